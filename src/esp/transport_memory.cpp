// Two in-process ends of a byte pipe, for unit tests of the loader and the codecs.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "fwprov/core/error.hpp"
#include "fwprov/esp/transport.hpp"

namespace fwprov::esp {
namespace {

struct Pipe {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::uint8_t> bytes;
  bool closed = false;
};

class MemoryTransport final : public Transport {
 public:
  MemoryTransport(std::shared_ptr<Pipe> in, std::shared_ptr<Pipe> out, std::string name)
      : in_(std::move(in)), out_(std::move(out)), name_(std::move(name)) {}
  ~MemoryTransport() override {
    for (auto* pipe : {in_.get(), out_.get()}) {
      std::lock_guard lock(pipe->mutex);
      pipe->closed = true;
      pipe->ready.notify_all();
    }
  }

  void write(ByteView bytes, Millis) override {
    std::lock_guard lock(out_->mutex);
    if (out_->closed) throw Error(ErrorKind::Device, name_ + ": link closed");
    out_->bytes.insert(out_->bytes.end(), bytes.begin(), bytes.end());
    out_->ready.notify_all();
  }

  std::size_t read(std::uint8_t* buffer, std::size_t capacity, Millis timeout) override {
    std::unique_lock lock(in_->mutex);
    in_->ready.wait_for(lock, timeout, [&] { return !in_->bytes.empty() || in_->closed; });
    if (in_->bytes.empty()) {
      if (in_->closed) throw Error(ErrorKind::Device, name_ + ": link closed");
      return 0;
    }
    std::size_t n = std::min(capacity, in_->bytes.size());
    std::copy_n(in_->bytes.begin(), n, buffer);
    in_->bytes.erase(in_->bytes.begin(), in_->bytes.begin() + static_cast<std::ptrdiff_t>(n));
    return n;
  }

  void flush_input() override {
    std::lock_guard lock(in_->mutex);
    in_->bytes.clear();
  }
  void set_baud(std::uint32_t) override {}
  void set_dtr(bool) override {}
  void set_rts(bool) override {}
  bool has_modem_lines() const override { return false; }
  std::string description() const override { return name_; }

 private:
  std::shared_ptr<Pipe> in_;
  std::shared_ptr<Pipe> out_;
  std::string name_;
};

}  // namespace

std::pair<std::unique_ptr<Transport>, std::unique_ptr<Transport>> make_memory_pair() {
  auto a_to_b = std::make_shared<Pipe>();
  auto b_to_a = std::make_shared<Pipe>();
  return {std::make_unique<MemoryTransport>(b_to_a, a_to_b, "memory:host"),
          std::make_unique<MemoryTransport>(a_to_b, b_to_a, "memory:device")};
}

}  // namespace fwprov::esp
