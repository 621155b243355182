#include "netns/packet_capture.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <pcap/pcap.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>

#include "netns/error.h"
#include "netns/event_loop.h"
#include "netns/network_namespace.h"

namespace viplab {
namespace {

struct PcapCloser {
  void operator()(pcap_t* p) const noexcept { pcap_close(p); }
};
struct DumperCloser {
  void operator()(pcap_dumper_t* d) const noexcept { pcap_dump_close(d); }
};

// "No such device exists (vl-3-br: No such device exists)" for the specific activation codes,
// pcap's own message for a generic error.
std::string ActivateError(pcap_t* p, int status) {
  const std::string detail = pcap_geterr(p);
  if (status == PCAP_ERROR || detail.empty()) {
    return detail.empty() ? pcap_statustostr(status) : detail;
  }
  return fmt::format("{} ({})", pcap_statustostr(status), detail);
}

}  // namespace

struct PacketCapture::State {
  std::string where;  // "'vl-3-br' in namespace 'vl-3-sw'"
  std::filesystem::path file;
  std::unique_ptr<pcap_t, PcapCloser> handle;
  std::unique_ptr<pcap_dumper_t, DumperCloser> dumper;
  int fd = -1;
  int link_type = 0;
  EventLoop* loop = nullptr;
  Handler handler;
  std::exception_ptr handler_error;  // thrown by the handler inside pcap_dispatch
  std::atomic<uint64_t> packets{0};
  mutable std::mutex mutex;  // guards the fields below
  std::string error;
  uint64_t kernel_drops = 0;

  std::string ErrorCopy() const {
    std::lock_guard lock(mutex);
    return error;
  }

  void SetError(std::string message) {
    std::lock_guard lock(mutex);
    if (error.empty()) error = std::move(message);
  }

  // One pass over what the kernel has buffered. Returns false when the capture cannot go on.
  bool ReadAvailable() {
    const int n =
        pcap_dispatch(handle.get(), -1, &State::OnPacket, reinterpret_cast<u_char*>(this));
    if (dumper && pcap_dump_flush(dumper.get()) != 0) {
      SetError(fmt::format("could not write '{}': {}", file.string(), std::strerror(errno)));
      dumper.reset();  // decoding goes on; the file ends here
    }
    if (handler_error) std::rethrow_exception(std::exchange(handler_error, nullptr));
    if (n == PCAP_ERROR) {
      SetError(fmt::format("capture on {} failed: {}", where, pcap_geterr(handle.get())));
      return false;
    }
    return true;
  }

  static void OnPacket(u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
    // C frames of libpcap are below: nothing may propagate out of here.
    auto* self = reinterpret_cast<State*>(user);
    if (self->handler_error) return;
    if (self->dumper) pcap_dump(reinterpret_cast<u_char*>(self->dumper.get()), header, bytes);
    self->packets.fetch_add(1, std::memory_order_relaxed);
    if (!self->handler) return;
    try {
      self->handler(CapturedPacket{Now(), header->ts, header->len,
                                   std::span<const uint8_t>(bytes, header->caplen)});
    } catch (...) {
      self->handler_error = std::current_exception();
      pcap_breakloop(self->handle.get());
    }
  }
};

PacketCapture::PacketCapture(std::unique_ptr<State> state) : state_(std::move(state)) {}
PacketCapture::PacketCapture(PacketCapture&&) noexcept = default;

PacketCapture& PacketCapture::operator=(PacketCapture&& other) noexcept {
  if (this != &other) {
    try {
      Stop();
    } catch (...) {
      // A handler failing on the last packets of a capture being replaced: nothing to report to.
    }
    state_ = std::move(other.state_);
  }
  return *this;
}

PacketCapture::~PacketCapture() {
  try {
    Stop();
  } catch (...) {
    // Destructors never throw; Stop() from the owner reports handler errors.
  }
}

PacketCapture PacketCapture::Open(const NetworkNamespace& ns, const CaptureOptions& options) {
  auto state = std::make_unique<State>();
  state->where = fmt::format("'{}' in namespace '{}'", options.interface, ns.name());
  state->file = options.file;
  // pcap_activate() opens the packet socket: it must run inside the namespace.
  ns.Run([&] {
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    state->handle.reset(pcap_create(options.interface.c_str(), errbuf));
    if (!state->handle) {
      throw SystemError::Plain(fmt::format("could not capture on {}: {}", state->where, errbuf));
    }
    pcap_t* p = state->handle.get();
    pcap_set_snaplen(p, options.snaplen);
    pcap_set_promisc(p, options.promiscuous ? 1 : 0);
    pcap_set_immediate_mode(p, 1);
    pcap_set_buffer_size(p, options.buffer_bytes);
    const int status = pcap_activate(p);
    if (status < 0) {
      throw SystemError::Plain(
          fmt::format("could not capture on {}: {}", state->where, ActivateError(p, status)));
    }
  });
  pcap_t* p = state->handle.get();
  auto fail = [&](const std::string& what) {
    return SystemError::Plain(
        fmt::format("could not {} on {}: {}", what, state->where, pcap_geterr(p)));
  };
  if (!options.filter.empty()) {
    bpf_program program{};
    if (pcap_compile(p, &program, options.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      throw fail(fmt::format("compile the filter '{}'", options.filter));
    }
    const int set = pcap_setfilter(p, &program);
    pcap_freecode(&program);
    if (set != 0) throw fail(fmt::format("apply the filter '{}'", options.filter));
  }
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  if (pcap_setnonblock(p, 1, errbuf) != 0) {
    throw SystemError::Plain(
        fmt::format("could not make the capture on {} non-blocking: {}", state->where, errbuf));
  }
  state->fd = pcap_get_selectable_fd(p);
  if (state->fd < 0) {
    throw SystemError::Plain(fmt::format("the capture on {} has no selectable fd", state->where));
  }
  // libpcap's socket is not CLOEXEC; keep it out of the daemons the lab starts.
  CheckErrno(::fcntl(state->fd, F_SETFD, FD_CLOEXEC),
             fmt::format("could not set FD_CLOEXEC on the capture on {}", state->where));
  state->link_type = pcap_datalink(p);
  if (!options.file.empty()) {
    UniqueFd out(::open(options.file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!out) {
      throw SystemError::FromErrno(errno,
                                   fmt::format("could not create '{}'", options.file.string()));
    }
    FILE* stream = ::fdopen(out.get(), "wb");
    if (!stream) {
      throw SystemError::FromErrno(errno,
                                   fmt::format("could not open '{}'", options.file.string()));
    }
    out.Release();  // the stream owns it now
    state->dumper.reset(pcap_dump_fopen(p, stream));
    if (!state->dumper) {
      const std::string why = pcap_geterr(p);
      std::fclose(stream);
      throw SystemError::Plain(
          fmt::format("could not write a pcap header to '{}': {}", options.file.string(), why));
    }
    pcap_dump_flush(state->dumper.get());  // a valid (empty) capture file from the start
  }
  return PacketCapture(std::move(state));
}

void PacketCapture::Start(EventLoop& loop, Handler handler,
                          std::function<void(const std::string&)> on_end) {
  State& s = *state_;
  if (s.loop || !s.handle) {
    throw SystemError::Plain(fmt::format("the capture on {} was already started", s.where));
  }
  s.handler = std::move(handler);
  s.loop = &loop;
  loop.Add(s.fd, [&s, on_end = std::move(on_end)](uint32_t) {
    if (s.ReadAvailable()) return;
    s.loop->Remove(s.fd);  // e.g. the interface is gone
    if (on_end) on_end(s.ErrorCopy());
  });
}

void PacketCapture::Stop() {
  if (!state_ || !state_->handle) return;
  State& s = *state_;
  if (s.loop) s.loop->Remove(s.fd);  // waits for a read in progress on the loop thread
  // Whatever arrived since the loop's last read; then the final statistics.
  std::exception_ptr error;
  try {
    s.ReadAvailable();
  } catch (...) {
    error = std::current_exception();
  }
  pcap_stat stat{};
  if (pcap_stats(s.handle.get(), &stat) == 0) {
    std::lock_guard lock(s.mutex);
    s.kernel_drops = stat.ps_drop;
  }
  s.dumper.reset();
  s.handle.reset();
  s.handler = nullptr;
  if (error) std::rethrow_exception(error);
}

const std::filesystem::path& PacketCapture::file() const { return state_->file; }

int PacketCapture::link_type() const { return state_->link_type; }

CaptureStats PacketCapture::stats() const {
  CaptureStats out;
  out.packets = state_->packets.load(std::memory_order_relaxed);
  std::lock_guard lock(state_->mutex);
  out.kernel_drops = state_->kernel_drops;
  return out;
}

std::string PacketCapture::error() const {
  std::lock_guard lock(state_->mutex);
  return state_->error;
}

}  // namespace viplab
