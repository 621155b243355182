#include "netns/nftables.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <nftables/libnftables.h>
#include <sched.h>

#include <cerrno>
#include <mutex>
#include <utility>

#include "netns/error.h"
#include "netns/host_guard.h"
#include "netns/network_namespace.h"
#include "netns/run_on_thread.h"
#include "netns/unique_fd.h"

namespace viplab {
namespace {

// See the header: libnftables is used from one thread at a time, process-wide.
std::mutex& LibraryMutex() {
  static std::mutex mutex;
  return mutex;
}

std::string Trimmed(const char* text) {
  std::string s = text == nullptr ? "" : text;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

struct Nftables::Impl {
  std::string ns_name;
  UniqueFd ns_fd;  // our own descriptor of the namespace
  nft_ctx* ctx = nullptr;

  ~Impl() {
    if (ctx == nullptr) return;
    std::lock_guard lock(LibraryMutex());
    nft_ctx_free(ctx);  // closes its sockets; no namespace needed for that
  }

  // Runs `fn` on a thread inside the namespace.
  template <typename Fn>
  void InNamespace(Fn&& fn) const {
    internal::RunOnThread([&] {
      if (::setns(ns_fd.get(), CLONE_NEWNET) < 0) {
        throw SystemError::FromErrno(
            errno, fmt::format("could not enter network namespace '{}'", ns_name));
      }
      fn();
    });
  }
};

Nftables::Nftables(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Nftables::Nftables(Nftables&&) noexcept = default;
Nftables& Nftables::operator=(Nftables&&) noexcept = default;
Nftables::~Nftables() = default;

Nftables Nftables::OpenIn(const NetworkNamespace& ns) {
  RefuseHostNamespace(ns.fd(), ns.name());
  auto impl = std::make_unique<Impl>();
  impl->ns_name = ns.name();
  impl->ns_fd.Reset(::fcntl(ns.fd(), F_DUPFD_CLOEXEC, 0));
  if (!impl->ns_fd) {
    throw SystemError::FromErrno(
        errno, fmt::format("could not open network namespace '{}' for nftables", ns.name()));
  }
  std::lock_guard lock(LibraryMutex());
  impl->InNamespace([&] { impl->ctx = nft_ctx_new(NFT_CTX_DEFAULT); });
  if (impl->ctx == nullptr) {
    throw SystemError::Plain(
        fmt::format("could not create an nftables context in namespace '{}'", ns.name()));
  }
  // Buffered: nft's messages are returned to us instead of going to stdout/stderr.
  if (nft_ctx_buffer_output(impl->ctx) != 0 || nft_ctx_buffer_error(impl->ctx) != 0) {
    throw SystemError::Plain(
        fmt::format("could not set up nftables output buffers in namespace '{}'", ns.name()));
  }
  return Nftables(std::move(impl));
}

std::string Nftables::Run(std::string_view script, std::string_view what) {
  if (!impl_) throw SystemError::Plain("nftables handle is empty (moved from)");
  const std::string text(script);  // libnftables wants a NUL-terminated buffer
  std::lock_guard lock(LibraryMutex());
  int rc = 0;
  impl_->InNamespace([&] { rc = nft_run_cmd_from_buffer(impl_->ctx, text.c_str()); });
  // Reading a buffer also rewinds it, so each command starts with empty buffers.
  std::string output = Trimmed(nft_ctx_get_output_buffer(impl_->ctx));
  const std::string error = Trimmed(nft_ctx_get_error_buffer(impl_->ctx));
  if (rc != 0) {
    throw SystemError::Plain(fmt::format("could not {} in namespace '{}': {}", what, impl_->ns_name,
                                         error.empty() ? "nft reported an error" : error));
  }
  return output;
}

const std::string& Nftables::ns_name() const { return impl_->ns_name; }

}  // namespace viplab
