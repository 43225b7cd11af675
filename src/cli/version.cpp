#include "version.hpp"

#include <fmt/core.h>
#include <libserialport.h>
#include <openssl/crypto.h>
#include <zlib.h>

namespace fwprov::cli {

// Defined in the file the build generates at every build (cmake/build_info.cmake), so a new
// commit recompiles one small file instead of the CLI's unity batches.
const char* build_info_version();
const char* build_info_commit();
const char* build_info_type();
const char* build_info_linkage();

namespace {

std::string compiler_name() {
#if defined(__clang__)
  return fmt::format("Clang {}.{}.{}", __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
  return fmt::format("GCC {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  return "unknown";
#endif
}

}  // namespace

BuildFacts build_facts() {
  BuildFacts facts;
  facts.version = build_info_version();
  facts.commit = build_info_commit();
  facts.build_type = build_info_type();
  facts.linkage = build_info_linkage();
  facts.compiler = compiler_name();
  // Run-time queries, not the headers' macros: they name the code actually linked in.
  facts.openssl = OpenSSL_version(OPENSSL_VERSION_STRING);
  facts.openssl_full = OpenSSL_version(OPENSSL_VERSION);
  facts.zlib = zlibVersion();
  facts.libserialport = sp_get_package_version_string();
  return facts;
}

std::string version_text() {
  auto facts = build_facts();
  return fmt::format(
      "fwprov {}\n"
      "commit:        {}\n"
      "build type:    {} ({})\n"
      "linkage:       {}\n"
      "OpenSSL:       {}\n"
      "zlib:          {}\n"
      "libserialport: {}",
      facts.version, facts.commit, facts.build_type, facts.compiler,
      facts.linkage == "static" ? "static (OpenSSL, zlib, libserialport and libstdc++ are built in)" : "shared libraries",
      facts.openssl_full, facts.zlib,
      facts.libserialport);
}

nlohmann::json version_json() {
  auto facts = build_facts();
  return {{"version", facts.version},
          {"commit", facts.commit},
          {"build_type", facts.build_type},
          {"compiler", facts.compiler},
          {"linkage", facts.linkage},
          {"libraries",
           {{"openssl", facts.openssl}, {"zlib", facts.zlib}, {"libserialport", facts.libserialport}}}};
}

}  // namespace fwprov::cli
