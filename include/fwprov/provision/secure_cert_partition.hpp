#pragma once
// [secure_cert]: each device's esp_secure_cert partition (esp_secure_cert_mgr's TLV format,
// fwprov_secure_cert), with the CA certificate, the device's certificate and private key
// (from memory) and the recipe CSV's extra TLVs, placed by partition name.
#include "fwprov/provision/credentials.hpp"
#include "fwprov/provision/plan.hpp"

namespace fwprov::provision {

// Checks the partition, reads the CA certificate and the CSV (a TLV the device entries already
// give, or a duplicate row, is an Input error naming the row). Sets plan.secure_cert.
void prepare_secure_cert(RunPlan& plan, const std::vector<Region>& common);

// The device's partition as a region (encrypt set when [security] encrypts it).
Region secure_cert_region(const RunPlan& plan, const DeviceIdentity& identity, const DeviceCredentials& credentials);

}  // namespace fwprov::provision
