#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <memory>

#include "context.hpp"
#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/core/utf8.hpp"

namespace fwprov::cli {

void Output::result(std::string_view line) const {
  if (options_.json || options_.quiet) return;
  fmt::print(stdout, "{}\n", line);
}

void Output::note(std::string_view line) const {
  if (!options_.quiet) fmt::print(stderr, "{}\n", line);
}

void Output::detail(std::string_view line) const {
  if (options_.verbose > 0 && !options_.quiet) fmt::print(stderr, "{}\n", line);
}

bool Output::color_stderr() const {
  return !options_.no_color && std::getenv("NO_COLOR") == nullptr && ::isatty(STDERR_FILENO);
}

void Output::warning(const Warning& warning) const {
  if (options_.strict) throw Error(ErrorKind::Input, warning.where, warning.message + " (--strict)");
  nlohmann::json entry = {{"message", json_safe_text(warning.message)}};
  if (!warning.where.file.empty()) entry["file"] = json_safe_text(warning.where.file);
  if (warning.where.line != 0) entry["line"] = warning.where.line;
  if (warning.where.column != 0) entry["column"] = warning.where.column;
  if (!warning.where.field.empty()) entry["field"] = json_safe_text(warning.where.field);
  warnings_.push_back(std::move(entry));
  if (options_.quiet) return;
  std::string where = warning.where.to_string();
  const char* label = color_stderr() ? "\033[33mwarning\033[0m" : "warning";
  fmt::print(stderr, "fwprov: {}: {}{}\n", label, where.empty() ? "" : where + ": ", warning.message);
}

void Output::error(std::string_view message) const {
  const char* label = color_stderr() ? "\033[31merror\033[0m" : "error";
  fmt::print(stderr, "fwprov: {}: {}\n", label, message);
}

void Output::document(nlohmann::json doc) const {
  if (!doc.is_object()) doc = nlohmann::json{{"result", std::move(doc)}};
  if (!doc.contains("ok")) doc["ok"] = true;
  if (!doc.contains("outputs")) doc["outputs"] = outputs_;
  if (!doc.contains("warnings")) doc["warnings"] = warnings_;
  pending_ = std::move(doc);
}

void Output::flush_document() const {
  if (pending_.is_null()) return;
  // `replace` is the last line of defence: every byte string should already have gone through
  // put_text, but a JSON encoder must never be the reason a run fails.
  fmt::print(stdout, "{}\n", pending_.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  std::fflush(stdout);
  pending_ = nullptr;
}

void Output::discard_document() const { pending_ = nullptr; }

void Output::mark_failed(int code) const {
  if (!pending_.is_object()) return;
  pending_["ok"] = false;
  if (pending_.contains("error")) return;
  ErrorKind kind = ErrorKind::Internal;
  for (auto candidate : {ErrorKind::Usage, ErrorKind::Input, ErrorKind::Io, ErrorKind::Crypto, ErrorKind::Device, ErrorKind::Mismatch})
    if (exit_code(candidate) == code) kind = candidate;
  std::string message = kind == ErrorKind::Mismatch ? "verification found a difference (see the document)" : "the run failed (see the document)";
  pending_["error"] = error_json(Error(kind, message));
}

nlohmann::json Output::add_output(const std::string& path, ByteView data, std::string_view kind) const {
  nlohmann::json entry = {{"path", json_safe_text(path)}, {"size", data.size()}, {"sha256", to_hex(sha256(data))}, {"kind", kind}};
  outputs_.push_back(entry);
  return entry;
}

nlohmann::json Output::add_output_file(const std::filesystem::path& path, std::string_view kind) const {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(ErrorKind::Io, SourceLocation{path.string()}, "cannot read back a written file: " + ec.message());
  nlohmann::json entry = {{"path", json_safe_text(path.string())}, {"size", size}, {"sha256", to_hex(sha256_file(path))}, {"kind", kind}};
  outputs_.push_back(entry);
  return entry;
}

void Output::add_timing(nlohmann::json& doc, const std::string& name, double seconds) const {
  if (options_.verbose > 0) doc[name] = std::round(seconds * 1e6) / 1e6;
}

WarningSink Output::warning_sink() const {
  return [this](const Warning& w) { warning(w); };
}

namespace {

std::string human_bytes(double bytes) {
  if (bytes >= 1024.0 * 1024.0) return fmt::format("{:.1f} MiB", bytes / (1024.0 * 1024.0));
  if (bytes >= 1024.0) return fmt::format("{:.1f} KiB", bytes / 1024.0);
  return fmt::format("{:.0f} B", bytes);
}

struct ProgressState {
  std::string label;
  bool terminal;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw{};
  int last_quarter = -1;
};

}  // namespace

ProgressFn Output::progress(std::string label) const {
  if (options_.quiet || options_.json) return {};
  auto state = std::make_shared<ProgressState>(ProgressState{std::move(label), ::isatty(STDERR_FILENO) != 0});
  return [state](std::uint64_t done, std::uint64_t total) {
    using namespace std::chrono;
    auto now = steady_clock::now();
    double seconds = duration<double>(now - state->start).count();
    double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
    bool finished = total != 0 && done >= total;
    if (state->terminal) {
      if (!finished && now - state->last_draw < milliseconds(100)) return;  // keep redraws cheap
      state->last_draw = now;
      constexpr int kWidth = 30;
      double fraction = total != 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
      int filled = static_cast<int>(fraction * kWidth);
      std::string bar(static_cast<std::size_t>(filled), '=');
      bar.resize(kWidth, ' ');
      std::string eta = (rate > 0 && total > done) ? fmt::format(" ETA {:.0f}s", static_cast<double>(total - done) / rate) : "";
      fmt::print(stderr, "\r{} [{}] {:3.0f}% {} {}/s{}   ", state->label, bar, fraction * 100.0,
                 human_bytes(static_cast<double>(done)), human_bytes(rate), eta);
      if (finished) fmt::print(stderr, "\n");
      return;
    }
    // Not a terminal (a log file, CI): one plain line per quarter.
    int quarter = total != 0 ? static_cast<int>(done * 4 / total) : 0;
    if (quarter == state->last_quarter) return;
    state->last_quarter = quarter;
    fmt::print(stderr, "{}: {}% ({} of {}, {}/s)\n", state->label, quarter * 25, human_bytes(static_cast<double>(done)),
               human_bytes(static_cast<double>(total)), human_bytes(rate));
  };
}

namespace {
nlohmann::json text_or_null(const std::string& text) { return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(json_safe_text(text)); }
nlohmann::json number_or_null(std::size_t n) { return n != 0 ? nlohmann::json(n) : nlohmann::json(nullptr); }
}  // namespace

nlohmann::json error_json(const Error& error) {
  const auto& where = error.where();
  nlohmann::json detail = {{"kind", kind_name(error.kind())},   {"exit_code", exit_code(error.kind())},
                           {"message", json_safe_text(error.message())}, {"file", text_or_null(where.file)},
                           {"line", number_or_null(where.line)},  {"column", number_or_null(where.column)},
                           {"hint", text_or_null(error.hint())}};
  if (!where.field.empty()) detail["field"] = json_safe_text(where.field);
  return detail;
}

void put_text(nlohmann::json& object, const std::string& name, std::string_view bytes) {
  if (is_valid_utf8(bytes)) {
    object[name] = std::string(bytes);
    return;
  }
  object[name] = json_safe_text(bytes);
  object[name + "_hex"] = to_hex(ByteView(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

std::string json_safe_text(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return std::string(bytes);
  // nlohmann's `replace` handler turns each invalid sequence into U+FFFD; a string dumped
  // that way and parsed back is valid UTF-8.
  return nlohmann::json::parse(nlohmann::json(std::string(bytes)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      .get<std::string>();
}

bool is_stdio(std::string_view path) noexcept { return path == "-"; }

Bytes read_input(const std::string& path) {
  if (!is_stdio(path)) return read_file(path);
  Bytes data;
  read_open_file(STDIN_FILENO, "(stdin)", [&data](std::size_t n) {
    data.resize(n);
    return data.data();
  });
  return data;
}

void write_output(const Context& context, const std::string& path, Bytes data, std::string_view kind, FileMode mode) {
  if (is_stdio(path)) {
    if (context.options.json)
      throw Error(ErrorKind::Usage, SourceLocation{}, "'-' (stdout) cannot be an output with --json: stdout carries the JSON document",
                  "give a file name, or leave out --json");
    context.out.add_output("-", data, kind);
    if (std::fwrite(data.data(), 1, data.size(), stdout) != data.size() || std::fflush(stdout) != 0)
      throw Error(ErrorKind::Io, SourceLocation{"(stdout)"}, "write failed");
    return;
  }
  context.out.add_output(path, data, kind);
  write_file_atomic(path, data, mode);
}

void refuse_stdio(const std::string& path, std::string_view option) {
  if (is_stdio(path))
    throw Error(ErrorKind::Usage, SourceLocation{}, std::string(option) + " cannot be '-' (stdin/stdout)",
                "give a file name; for a file named '-' write ./-");
}

}  // namespace fwprov::cli
