#pragma once
// The Wi-Fi keys nvs_partition_gen.py treats specially (it derives ap.pmk_info / sta.pmk_info
// from them), shared by the CSV reader and the CSV writer.
#include <string_view>

namespace fwprov::nvs::detail {

inline bool is_ap_key(std::string_view key) { return key == "ap.ssid" || key == "ap.passwd" || key == "ap.authmode"; }
inline bool is_sta_key(std::string_view key) { return key == "sta.ssid" || key == "sta.pswd"; }

}  // namespace fwprov::nvs::detail
