#pragma once
// The per-device NVS `storage` image, built in memory from the recipe's CSV template: data
// rows get {serial}/{mac}/{chip}/values-CSV placeholders replaced in their text, file rows whose
// value is one placeholder ({device_cert}, {device_key}, {ca_cert}, a [files] name) get that
// DER data without touching the disk; other file rows read files beside the recipe.
#include "fwprov/core/diagnostics.hpp"
#include "fwprov/provision/credentials.hpp"
#include "fwprov/provision/plan.hpp"

namespace fwprov::provision {

// Checks every template row's placeholders against what this recipe can fill in. Input
// errors name the CSV file, line and column.
void check_storage_template(const RunPlan& plan);

// The placeholder values of one device from the values CSV (empty map when the recipe has
// none). Input error when the device has no row.
std::map<std::string, std::string> device_values(const RunPlan& plan, const DeviceIdentity& identity);

Bytes build_storage_image(const RunPlan& plan, const DeviceIdentity& identity, const DeviceCredentials& credentials,
                          Warnings* warnings = nullptr);

}  // namespace fwprov::provision
