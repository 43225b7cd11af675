#include "fwprov/sign/aws_ota.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/sign/format.hpp"

namespace fwprov::sign::aws {
namespace {

using nlohmann::json;

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

// The member `name` of an object when it is a string. Never operator[] on a const json: a
// missing key is an assertion (debug) or undefined behaviour (release).
std::optional<std::string> string_member(const json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || !found->is_string()) return std::nullopt;
  return found->get<std::string>();
}

// Deeper than any job document; stops a hostile file from exhausting the stack.
constexpr int kMaxDepth = 64;

// Depth-first search for the first customCodeSigning object or sig-<hash>-<alg> member.
std::optional<std::pair<std::string, std::string>> find_signature(const json& node, std::string& hash, std::string& algorithm,
                                                                  int depth = 0) {
  if (depth > kMaxDepth) return std::nullopt;
  if (node.is_object()) {
    if (auto custom = node.find("customCodeSigning"); custom != node.end() && custom->is_object()) {
      auto signature = custom->find("signature");
      if (signature != custom->end() && signature->is_object()) {
        if (auto inline_document = string_member(*signature, "inlineDocument")) {
          if (auto value = string_member(*custom, "hashAlgorithm")) hash = upper(*value);
          if (auto value = string_member(*custom, "signatureAlgorithm")) algorithm = upper(*value);
          return std::make_pair(std::string("customCodeSigning.signature.inlineDocument"), *inline_document);
        }
      }
    }
    for (const auto& [key, value] : node.items()) {
      if (key.rfind("sig-", 0) == 0 && value.is_string()) {  // job document: sig-sha256-ecdsa
        std::string rest = key.substr(4);
        auto dash = rest.find('-');
        if (dash != std::string::npos) {
          hash = upper(rest.substr(0, dash));
          algorithm = upper(rest.substr(dash + 1));
        }
        return std::make_pair(key, value.get<std::string>());
      }
    }
    for (const auto& [key, value] : node.items())
      if (auto found = find_signature(value, hash, algorithm, depth + 1)) return found;
  } else if (node.is_array()) {
    for (const auto& value : node)
      if (auto found = find_signature(value, hash, algorithm, depth + 1)) return found;
  }
  return std::nullopt;
}

}  // namespace

std::string signature_algorithm(const KeyInfo& info) { return info.is_rsa() ? "RSA" : "ECDSA"; }

std::string job_document_key(const KeyInfo& info) { return info.is_rsa() ? "sig-sha256-rsa" : "sig-sha256-ecdsa"; }

std::string custom_code_signing_json(ByteView signature, const KeyInfo& info, const std::string& certificate_name) {
  nlohmann::ordered_json doc = {{"customCodeSigning",
               {{"signature", {{"inlineDocument", to_base64(signature)}}},
                {"certificateChain", {{"certificateName", certificate_name}}},
                {"hashAlgorithm", format::kAwsHashAlgorithm},
                {"signatureAlgorithm", signature_algorithm(info)}}}};
  return doc.dump(2) + "\n";
}

ExtractedSignature extract_signature(const std::string& json_text, const std::string& origin) {
  json doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded()) throw Error(ErrorKind::Input, SourceLocation{origin}, "not valid JSON");
  ExtractedSignature extracted;
  auto found = find_signature(doc, extracted.hash, extracted.algorithm);
  if (!found)
    throw Error(ErrorKind::Input, SourceLocation{origin},
                "no signature found (expected customCodeSigning.signature.inlineDocument or a sig-sha256-ecdsa/rsa member)");
  auto decoded = from_base64(found->second);
  if (!decoded || decoded->bytes.empty())
    throw Error(ErrorKind::Input, SourceLocation{origin, 0, 0, found->first}, "signature is not valid base64");
  extracted.signature = std::move(decoded->bytes);
  return extracted;
}

}  // namespace fwprov::sign::aws
