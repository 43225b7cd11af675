#pragma once
// `fwprov sign digest` and the secure boot v2 chip check that `sign --format esp-sbv2` shares.
#include <CLI/CLI.hpp>

#include <string>

#include "context.hpp"
#include "fwprov/sign/key.hpp"

namespace fwprov::cli {

// Adds `digest` under `sign`; returns it so sign's own callback can tell it ran instead.
CLI::App* add_sign_digest(CLI::App* sign_command, Context& context);

// Refuses a key `chip`'s ROM cannot verify; without --chip, warns about EC keys (the ESP32,
// S2, S3 and C3 ROMs verify RSA-3072 only).
void check_sbv2_chip(const std::string& chip, const sign::KeyInfo& info, const std::string& origin, Context& context);

}  // namespace fwprov::cli
