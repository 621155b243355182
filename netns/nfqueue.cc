#include "netns/nfqueue.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
// After libmnl: libnetfilter_queue.h brings its own copy of the nfnetlink_queue definitions.
#include <fmt/format.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <sys/socket.h>

#include <cerrno>
#include <utility>

#include "netns/error.h"
#include "netns/host_guard.h"
#include "netns/network_namespace.h"

namespace viplab {
namespace {

struct MnlClose {
  void operator()(mnl_socket* sock) const { mnl_socket_close(sock); }
};

// Enough for many queued-packet messages per read (each is ~100 bytes in meta mode).
constexpr size_t kBufferSize = 64 * 1024;
// Packets the kernel may hold for us at once (its default is 1024).
constexpr uint32_t kQueueMaxLen = 8192;
constexpr int kReceiveBuffer = 4 * 1024 * 1024;

// What one Read() collects.
struct ReadState {
  std::vector<uint32_t> ids;
  uint64_t rejected_verdicts = 0;
};

int CollectPacketId(const nlmsghdr* nlh, void* data) {
  auto* ids = &static_cast<ReadState*>(data)->ids;
  nlattr* attr[NFQA_MAX + 1] = {};
  if (nfq_nlmsg_parse(nlh, attr) < 0) return MNL_CB_ERROR;
  if (attr[NFQA_PACKET_HDR] == nullptr) return MNL_CB_OK;
  const auto* hdr =
      static_cast<const nfqnl_msg_packet_hdr*>(mnl_attr_get_payload(attr[NFQA_PACKET_HDR]));
  ids->push_back(ntohl(hdr->packet_id));
  return MNL_CB_OK;
}

// A verdict for a packet the kernel already let go of (it flushes a queue's packets when their
// link goes down) is answered with an error message. That is expected in a lab where links are
// cut, so it is counted instead of failing the listener.
int CountError(const nlmsghdr* nlh, void* data) {
  const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
  if (err->error != 0) ++static_cast<ReadState*>(data)->rejected_verdicts;
  return MNL_CB_OK;
}

}  // namespace

struct NfQueue::Impl {
  std::string ns_name;
  uint16_t queue_num = 0;
  std::unique_ptr<mnl_socket, MnlClose> sock;
  unsigned portid = 0;
  uint32_t seq = 0;
  uint64_t overruns = 0;
  uint64_t rejected_verdicts = 0;
  std::vector<char> buffer = std::vector<char>(kBufferSize);

  std::string Context(std::string_view what) const {
    return fmt::format("could not {} netfilter queue {} in namespace '{}'", what, queue_num,
                       ns_name);
  }

  // Sends a config message with NLM_F_ACK and waits (blocking) for the kernel's answer.
  void Configure(nlmsghdr* nlh, std::string_view what) {
    nlh->nlmsg_flags |= NLM_F_ACK;
    nlh->nlmsg_seq = ++seq;
    if (mnl_socket_sendto(sock.get(), nlh, nlh->nlmsg_len) < 0) {
      throw SystemError::FromErrno(errno, Context(what));
    }
    for (;;) {
      const ssize_t n = mnl_socket_recvfrom(sock.get(), buffer.data(), buffer.size());
      if (n < 0) throw SystemError::FromErrno(errno, Context(what));
      const int rc = mnl_cb_run(buffer.data(), n, seq, portid, nullptr, nullptr);
      if (rc < 0) throw SystemError::FromErrno(errno, Context(what));
      if (rc == MNL_CB_STOP) return;
    }
  }
};

NfQueue::NfQueue(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NfQueue::NfQueue(NfQueue&&) noexcept = default;
NfQueue& NfQueue::operator=(NfQueue&&) noexcept = default;
NfQueue::~NfQueue() = default;

NfQueue NfQueue::Bind(const NetworkNamespace& ns, uint16_t queue_num) {
  RefuseHostNamespace(ns.fd(), ns.name());
  auto impl = std::make_unique<Impl>();
  impl->ns_name = ns.name();
  impl->queue_num = queue_num;
  ns.Run([&] {
    impl->sock.reset(mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC));
    if (!impl->sock) throw SystemError::FromErrno(errno, impl->Context("open a socket for"));
  });
  if (mnl_socket_bind(impl->sock.get(), 0, MNL_SOCKET_AUTOPID) < 0) {
    throw SystemError::FromErrno(errno, impl->Context("bind a socket for"));
  }
  impl->portid = mnl_socket_get_portid(impl->sock.get());
  const int fd = mnl_socket_get_fd(impl->sock.get());
  // Root may exceed rmem_max; a burst of queued packets must not overflow the socket.
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &kReceiveBuffer, sizeof(kReceiveBuffer)) < 0) {
    throw SystemError::FromErrno(errno, impl->Context("size the socket of"));
  }

  std::vector<char> request(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = nfq_nlmsg_put(request.data(), NFQNL_MSG_CONFIG, queue_num);
  nfq_nlmsg_cfg_put_cmd(nlh, AF_INET, NFQNL_CFG_CMD_BIND);
  impl->Configure(nlh, "bind to");

  nlh = nfq_nlmsg_put(request.data(), NFQNL_MSG_CONFIG, queue_num);
  nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_META, 0);
  nfq_nlmsg_cfg_put_qmaxlen(nlh, kQueueMaxLen);
  impl->Configure(nlh, "configure");

  // From here on reads come from the event loop and must not block it.
  if (::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
    throw SystemError::FromErrno(errno, impl->Context("set up"));
  }
  return NfQueue(std::move(impl));
}

int NfQueue::fd() const { return mnl_socket_get_fd(impl_->sock.get()); }
uint16_t NfQueue::queue_num() const { return impl_->queue_num; }
uint64_t NfQueue::overruns() const { return impl_->overruns; }
uint64_t NfQueue::rejected_verdicts() const { return impl_->rejected_verdicts; }

std::vector<uint32_t> NfQueue::Read() {
  ReadState state;
  for (;;) {
    const ssize_t n =
        mnl_socket_recvfrom(impl_->sock.get(), impl_->buffer.data(), impl_->buffer.size());
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) {  // the kernel dropped what it could not deliver; keep going
        ++impl_->overruns;
        continue;
      }
      throw SystemError::FromErrno(errno, impl_->Context("read from"));
    }
    // Sequence 0: queued-packet messages are not answers to a request.
    mnl_cb_t control[NLMSG_MIN_TYPE] = {};
    control[NLMSG_ERROR] = CountError;
    if (mnl_cb_run2(impl_->buffer.data(), n, 0, impl_->portid, CollectPacketId, &state, control,
                    NLMSG_MIN_TYPE) < 0) {
      throw SystemError::FromErrno(errno, impl_->Context("parse a message of"));
    }
  }
  impl_->rejected_verdicts += state.rejected_verdicts;
  return std::move(state.ids);
}

void NfQueue::Accept(uint32_t packet_id) {
  // Header, nfgenmsg and one verdict attribute: well under 256 bytes.
  alignas(nlmsghdr) char request[256];
  nlmsghdr* nlh = nfq_nlmsg_put(request, NFQNL_MSG_VERDICT, impl_->queue_num);
  nfq_nlmsg_verdict_put(nlh, static_cast<int>(packet_id), NF_ACCEPT);
  if (mnl_socket_sendto(impl_->sock.get(), nlh, nlh->nlmsg_len) < 0) {
    throw SystemError::FromErrno(errno, impl_->Context("give a verdict on"));
  }
}

}  // namespace viplab
