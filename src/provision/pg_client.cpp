// libpq through dlopen: the function table, the connection and its results (pg_client.hpp).
#include "pg_client.hpp"

#include <dlfcn.h>

#include <cstdlib>

namespace fwprov::provision::pg {
namespace {

// The libpq functions the ledger uses, typed from Debian's libpq-fe.h so a signature change
// is a compile error, not a crash.
struct Api {
  decltype(&PQconnectdbParams) connectdb_params;
  decltype(&PQstatus) status;
  decltype(&PQerrorMessage) error_message;
  decltype(&PQfinish) finish;
  decltype(&PQreset) reset;
  decltype(&PQexec) exec;
  decltype(&PQexecParams) exec_params;
  decltype(&PQresultStatus) result_status;
  decltype(&PQresultErrorMessage) result_error_message;
  decltype(&PQresultErrorField) result_error_field;
  decltype(&PQclear) clear;
  decltype(&PQntuples) ntuples;
  decltype(&PQgetvalue) getvalue;
  decltype(&PQgetisnull) getisnull;
  decltype(&PQgetlength) getlength;
  decltype(&PQsetNoticeProcessor) set_notice_processor;
  decltype(&PQconninfoParse) conninfo_parse;
  decltype(&PQconninfoFree) conninfo_free;
};

Api load_libpq() {
  // FWPROV_LIBPQ names another libpq (tests use it to check the message when it is missing).
  const char* env = std::getenv("FWPROV_LIBPQ");
  std::string name = env && *env ? env : "libpq.so.5";
  void* handle = ::dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);  // never closed: it lives as long as the process
  if (!handle) {
    const char* why = ::dlerror();
    throw Error(ErrorKind::Io, SourceLocation(name), std::string("a PostgreSQL ledger needs libpq (Debian package libpq5): ") + (why ? why : "cannot load it"));
  }
  auto symbol = [&](const char* function) {
    void* address = ::dlsym(handle, function);
    if (!address) throw Error(ErrorKind::Io, SourceLocation(name), std::string("this libpq lacks ") + function);
    return address;
  };
  Api api{};
  api.connectdb_params = reinterpret_cast<decltype(api.connectdb_params)>(symbol("PQconnectdbParams"));
  api.status = reinterpret_cast<decltype(api.status)>(symbol("PQstatus"));
  api.error_message = reinterpret_cast<decltype(api.error_message)>(symbol("PQerrorMessage"));
  api.finish = reinterpret_cast<decltype(api.finish)>(symbol("PQfinish"));
  api.reset = reinterpret_cast<decltype(api.reset)>(symbol("PQreset"));
  api.exec = reinterpret_cast<decltype(api.exec)>(symbol("PQexec"));
  api.exec_params = reinterpret_cast<decltype(api.exec_params)>(symbol("PQexecParams"));
  api.result_status = reinterpret_cast<decltype(api.result_status)>(symbol("PQresultStatus"));
  api.result_error_message = reinterpret_cast<decltype(api.result_error_message)>(symbol("PQresultErrorMessage"));
  api.result_error_field = reinterpret_cast<decltype(api.result_error_field)>(symbol("PQresultErrorField"));
  api.clear = reinterpret_cast<decltype(api.clear)>(symbol("PQclear"));
  api.ntuples = reinterpret_cast<decltype(api.ntuples)>(symbol("PQntuples"));
  api.getvalue = reinterpret_cast<decltype(api.getvalue)>(symbol("PQgetvalue"));
  api.getisnull = reinterpret_cast<decltype(api.getisnull)>(symbol("PQgetisnull"));
  api.getlength = reinterpret_cast<decltype(api.getlength)>(symbol("PQgetlength"));
  api.set_notice_processor = reinterpret_cast<decltype(api.set_notice_processor)>(symbol("PQsetNoticeProcessor"));
  api.conninfo_parse = reinterpret_cast<decltype(api.conninfo_parse)>(symbol("PQconninfoParse"));
  api.conninfo_free = reinterpret_cast<decltype(api.conninfo_free)>(symbol("PQconninfoFree"));
  return api;
}

const Api& libpq() {
  static const Api api = load_libpq();  // a throw leaves it unset: the next call tries again
  return api;
}

// The password a connection string carries (user:PASSWORD@ or ?password=), as libpq reads it.
std::string url_password(const Api& api, const std::string& url) {
  PQconninfoOption* options = api.conninfo_parse(url.c_str(), nullptr);
  if (!options) return {};
  std::string password;
  for (auto* o = options; o->keyword; ++o)
    if (std::string(o->keyword) == "password" && o->val) password = o->val;
  api.conninfo_free(options);
  return password;
}

void ignore_notice(void*, const char*) {}  // library code never prints (NOTICEs would go to stderr)

}  // namespace

Result::~Result() {
  if (result_) libpq().clear(result_);
}
int Result::rows() const { return libpq().ntuples(result_); }
bool Result::is_null(int row, int column) const { return libpq().getisnull(result_, row, column) != 0; }
std::string Result::text(int row, int column) const {
  const Api& api = libpq();
  return std::string(api.getvalue(result_, row, column), static_cast<std::size_t>(api.getlength(result_, row, column)));
}
std::int64_t Result::integer(int row, int column) const { return std::strtoll(libpq().getvalue(result_, row, column), nullptr, 10); }

Connection::Connection(const std::string& url, std::string origin, bool read_only) : origin_(std::move(origin)), read_only_(read_only) {
  const Api& api = libpq();
  password_ = url_password(api, url);
  // Defaults first, the URL (expanded from dbname) after them, so the URL's own settings win:
  // a station must not hang for minutes on an unreachable server.
  const char* const keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* const values[] = {"10", "fwprov", url.c_str(), nullptr};
  conn_ = api.connectdb_params(keys, values, 1);
  if (!conn_) throw Error(ErrorKind::Io, SourceLocation(origin_), "cannot connect to the PostgreSQL ledger: out of memory");
  api.set_notice_processor(conn_, ignore_notice, nullptr);
  if (api.status(conn_) != CONNECTION_OK) {
    std::string message = scrub(api.error_message(conn_));
    api.finish(conn_);
    conn_ = nullptr;
    throw Error(ErrorKind::Io, SourceLocation(origin_), "cannot connect to the PostgreSQL ledger: " + message);
  }
  try {
    configure();
  } catch (...) {
    api.finish(conn_);
    throw;
  }
}

void Connection::configure() {
  exec("SET client_min_messages = warning");
  if (read_only_) exec("SET default_transaction_read_only = on");
}

void Connection::begin() {
  try {
    exec("BEGIN");
    return;
  } catch (const SqlError&) {
    if (libpq().status(conn_) != CONNECTION_BAD) throw;
  }
  // The server restarted or dropped this session since the last transaction (a station runs
  // for hours): nothing was open, so connecting again and beginning anew is safe. A connection
  // lost inside a transaction is not retried: that transaction is gone and the caller says so.
  const Api& api = libpq();
  api.reset(conn_);
  if (api.status(conn_) != CONNECTION_OK)
    throw Error(ErrorKind::Io, SourceLocation(origin_), "lost the connection to the PostgreSQL ledger and cannot connect again: " + scrub(api.error_message(conn_)));
  configure();
  exec("BEGIN");
}

Connection::~Connection() {
  if (conn_) libpq().finish(conn_);
}

// The passwords in reach replaced by "***" wherever a message quotes them (libpq echoes parts of
// a malformed URL). Very short ones are left: replacing every "a" would hide the message and
// such a password protects nothing anyway.
std::string Connection::scrub(std::string text) const {
  const char* env = std::getenv("PGPASSWORD");
  for (const std::string& secret : {password_, std::string(env ? env : "")}) {
    if (secret.size() < 4) continue;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) text.replace(at, secret.size(), "***");
  }
  // libpq's messages span lines ("...failed: Connection refused\n\tIs the server running...").
  std::string line;
  bool gap = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      gap = true;
      continue;
    }
    if (gap && !line.empty()) line += line.back() == ':' || line.back() == '.' ? " " : "; ";
    gap = false;
    if (c == ' ' && !line.empty() && line.back() == ' ') continue;  // "ERROR:  relation ..."
    line += c;
  }
  return line;
}

void Connection::fail(const std::string& what, PGresult* result) {
  const Api& api = libpq();
  std::string message = scrub(result ? api.result_error_message(result) : api.error_message(conn_));
  if (message.empty()) message = scrub(api.error_message(conn_));
  const char* state = result ? api.result_error_field(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state ? state : "";
  if (result) api.clear(result);
  throw SqlError(SourceLocation(origin_), "ledger " + what + ": " + message, sqlstate);
}

Result Connection::exec(const char* sql, const std::vector<Param>& params) {
  const Api& api = libpq();
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* result = api.exec_params(conn_, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
  auto status = result ? api.result_status(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail("statement", result);
  return Result(result);
}

void Connection::exec_script(const char* sql) {
  const Api& api = libpq();
  PGresult* result = api.exec(conn_, sql);
  auto status = result ? api.result_status(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail("migration", result);
  api.clear(result);
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    connection_.exec("ROLLBACK");
  } catch (...) {  // the connection is gone: the server has already rolled back
  }
}

}  // namespace fwprov::provision::pg
