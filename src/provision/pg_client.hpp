#pragma once
// A small libpq client for the PostgreSQL ledger: libpq is dlopen()ed on first use (no
// link-time dependency; docs/ledger.md says why), one connection, parameterised statements,
// results read as text. Errors are fwprov Io errors whose origin is the redacted URL and whose
// text never holds the password; the SQLSTATE is kept for retry decisions.
#include <libpq-fe.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fwprov/core/error.hpp"

namespace fwprov::provision::pg {

// A statement failed on the server: the SQLSTATE says why ("23505" unique violation,
// "40P01" deadlock, "40001" serialization failure).
class SqlError : public Error {
 public:
  SqlError(SourceLocation where, std::string message, std::string sqlstate)
      : Error(ErrorKind::Io, std::move(where), std::move(message)), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  // Another transaction won a race: running the whole transaction again is correct.
  bool retryable() const noexcept { return sqlstate_ == "23505" || sqlstate_ == "40001" || sqlstate_ == "40P01"; }

 private:
  std::string sqlstate_;
};

using Param = std::optional<std::string>;  // nullopt: SQL NULL

class Result {
 public:
  explicit Result(PGresult* result) : result_(result) {}
  ~Result();
  Result(Result&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  Result& operator=(Result&&) = delete;

  int rows() const;
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;  // "" for NULL
  std::int64_t integer(int row, int column) const;

 private:
  PGresult* result_;
};

class Connection {
 public:
  // Connects (Io error, one line, on failure); read_only makes every transaction READ ONLY.
  Connection(const std::string& url, std::string origin, bool read_only);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One statement, parameters $1..$n as text.
  Result exec(const char* sql, const std::vector<Param>& params = {});
  // Several statements in one string (migrations); no parameters.
  void exec_script(const char* sql);
  // BEGIN; reconnects first when the server dropped the session while no transaction was open.
  void begin();
  const std::string& origin() const { return origin_; }

 private:
  void configure();  // the session settings (again after a reconnect)
  [[noreturn]] void fail(const std::string& what, PGresult* result);
  std::string scrub(std::string text) const;  // one line, no password

  PGconn* conn_ = nullptr;
  std::string origin_;
  std::string password_;
  bool read_only_;
};

// One transaction: BEGIN now, ROLLBACK unless commit() ran (also when the connection is gone:
// the server rolls back a transaction whose client vanished, e.g. after kill -9).
class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) { connection_.begin(); }
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    connection_.exec("COMMIT");
    done_ = true;
  }

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace fwprov::provision::pg
