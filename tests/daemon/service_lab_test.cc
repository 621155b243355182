// The haproxy stand-in and viplab-check over loopback in the host namespace (127.0.0.1 only):
// answers with the node name, degraded modes by signal, startup failures with the log tail.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "daemon/haproxy_config.h"
#include "daemon/service.h"
#include "netns/error.h"
#include "tests/common/daemon_util.h"
#include "tests/common/lab_env.h"
#include "tests/common/wait.h"

namespace viplab {
namespace {

using ::testing::HasSubstr;
using namespace viplab::testing;
using namespace std::chrono_literals;

// Pids of the processes in process group `pgid` that are not zombies, from /proc/<pid>/stat.
std::vector<pid_t> LiveProcessesInGroup(pid_t pgid) {
  std::vector<pid_t> live;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = ReadFile(entry.path() / "stat");
    const size_t end = stat.rfind(')');  // the command name may contain spaces and parentheses
    if (end == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    int pgrp = 0;
    if (std::sscanf(stat.c_str() + end + 1, " %c %d %d", &state, &ppid, &pgrp) != 3) continue;
    if (pgrp == pgid && state != 'Z') live.push_back(std::stoi(name));
  }
  return live;
}

// One HTTP/1.0 GET to 127.0.0.1:port; the whole response (the server closes).
std::string HttpGet(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0) return {};
  const std::string request = "GET / HTTP/1.0\r\n\r\n";
  if (::write(fd.get(), request.data(), request.size()) < 0) return {};
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  std::string response;
  while (true) {
    pollfd pfd{fd.get(), POLLIN, 0};
    if (::poll(&pfd, 1, RemainingMs(deadline)) <= 0) return response;
    char buf[1024];
    const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n <= 0) return response;
    response.append(buf, static_cast<size_t>(n));
  }
}

class ServiceLabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    VIPLAB_SKIP_UNLESS_LAB();
    spec_.node = "lbtest";
    spec_.standin_binary = StandinBinary();
    spec_.port = FreeLoopbackPort();
    spec_.bind_address = "127.0.0.1";
    spec_.log_file = dir_.path() / "service.log";
  }
  int Check(const std::string& mode) {
    return RunToEnd({CheckBinary().string(), mode, "127.0.0.1", std::to_string(spec_.port),
                     "--timeout-ms", "500"});
  }

  ScratchDir dir_;
  ServiceSpec spec_;
};

TEST_F(ServiceLabTest, ArgumentsStartWithTheLabAndNode) {
  EXPECT_EQ(ServiceArguments(spec_),
            (std::vector<std::string>{"--node", "lbtest", "--port", std::to_string(spec_.port),
                                      "--bind", "127.0.0.1"}));
  spec_.lab = "vl-7-";
  EXPECT_EQ(ServiceArguments(spec_),
            (std::vector<std::string>{"--lab", "vl-7-", "--node", "lbtest", "--port",
                                      std::to_string(spec_.port), "--bind", "127.0.0.1"}));
  // lb1 must never match lb10, nor another lab's lb1.
  EXPECT_EQ(ServiceIdentity(spec_),
            (std::vector<std::string>{"--lab", "vl-7-", "--node", "lbtest"}));
}

TEST_F(ServiceLabTest, AnswersWithItsNodeName) {
  Process service = StartService(spec_);
  const std::string response = HttpGet(spec_.port);
  EXPECT_THAT(response, ::testing::StartsWith("HTTP/1.0 200 OK\r\n"));
  EXPECT_THAT(response, HasSubstr("\r\nX-Viplab-Node: lbtest\r\n"));
  EXPECT_THAT(response, ::testing::EndsWith("\r\n\r\nlbtest\n"));
  EXPECT_EQ(Check("http"), 0);
  EXPECT_EQ(Check("tcp"), 0);
  // What track_process sees: argv[0] "haproxy" whatever the build path, comm "haproxy".
  const std::string cmdline = ReadFile(fmt::format("/proc/{}/cmdline", service.pid()));
  EXPECT_EQ(cmdline.substr(0, cmdline.find('\0')), "haproxy");
  EXPECT_THAT(cmdline, HasSubstr(std::string("--node\0lbtest\0--port\0", 21)));
  EXPECT_EQ(ReadFile(fmt::format("/proc/{}/comm", service.pid())), "haproxy\n");

  const int status = service.Stop(5s);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << DescribeWaitStatus(status);
  EXPECT_NE(Check("tcp"), 0);
}

TEST_F(ServiceLabTest, Sigusr1TogglesAnswering503) {
  Process service = StartService(spec_);
  service.Signal(SIGUSR1);
  ASSERT_TRUE(WaitForFileContains(spec_.log_file, "now answering 503", 5s));
  EXPECT_THAT(HttpGet(spec_.port), ::testing::StartsWith("HTTP/1.0 503 "));
  EXPECT_EQ(Check("http"), W_EXITCODE(1, 0));
  EXPECT_EQ(Check("tcp"), 0);
  service.Signal(SIGUSR1);
  ASSERT_TRUE(WaitForFileContains(spec_.log_file, "now answering 200", 5s));
  EXPECT_EQ(Check("http"), 0);
}

TEST_F(ServiceLabTest, Sigusr2TogglesRefusingConnections) {
  Process service = StartService(spec_);
  service.Signal(SIGUSR2);
  ASSERT_TRUE(WaitForFileContains(spec_.log_file, "now refusing connections", 5s));
  EXPECT_EQ(Check("tcp"), W_EXITCODE(1, 0));
  EXPECT_EQ(Check("http"), W_EXITCODE(1, 0));
  service.Signal(SIGUSR2);
  ASSERT_TRUE(WaitForFileContains(spec_.log_file, "accepting connections again", 5s));
  EXPECT_EQ(Check("http"), 0);
}

TEST_F(ServiceLabTest, StartFailureCarriesTheLogTail) {
  // Someone else listens on the port: the stand-in cannot bind and exits 1.
  UniqueFd blocker(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(spec_.port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(blocker.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(blocker.get(), 1), 0);
  try {
    StartService(spec_);
    FAIL() << "StartService succeeded on a busy port";
  } catch (const SystemError& e) {
    EXPECT_THAT(e.what(), HasSubstr("haproxy stand-in on lbtest exited with status 1 before it "
                                    "reported READY"));
    EXPECT_THAT(e.what(), HasSubstr("Address already in use"));
  }
}

TEST_F(ServiceLabTest, StartTimesOutWithoutReady) {
  const auto script = dir_.path() / "silent";
  {
    std::ofstream out(script);
    out << "#!/bin/sh\necho 'starting up' >&2\nexec sleep 100\n";
  }
  ::chmod(script.c_str(), 0755);
  spec_.standin_binary = script;
  const auto start = std::chrono::steady_clock::now();
  try {
    StartService(spec_, 300ms);
    FAIL() << "StartService succeeded without READY";
  } catch (const SystemError& e) {
    EXPECT_THAT(e.what(), HasSubstr("did not report READY within 300 ms"));
    EXPECT_THAT(e.what(), HasSubstr("starting up"));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(ServiceLabTest, CheckUsageErrors) {
  EXPECT_EQ(RunToEnd({CheckBinary().string()}), W_EXITCODE(2, 0));
  EXPECT_EQ(RunToEnd({CheckBinary().string(), "udp", "127.0.0.1", "80"}), W_EXITCODE(2, 0));
  EXPECT_EQ(RunToEnd({CheckBinary().string(), "http", "localhost", "80"}), W_EXITCODE(2, 0));
  EXPECT_EQ(RunToEnd({CheckBinary().string(), "http", "127.0.0.1", "70000"}), W_EXITCODE(2, 0));
}

// Debian's real haproxy in master-worker mode (`viplab run --service haproxy`): ready through
// NOTIFY_SOCKET, answers with the node name, and stopping the master takes the worker along.
class RealHaproxyLabTest : public ServiceLabTest {
 protected:
  void SetUp() override {
    ServiceLabTest::SetUp();
    const auto haproxy = FindHaproxy();
    ASSERT_TRUE(haproxy) << "install the Debian package haproxy (ci/install-deps.sh --tests does)";
    spec_.kind = ServiceKind::kHaproxy;
    spec_.haproxy_binary = *haproxy;
    spec_.haproxy_config = (dir_.path() / "haproxy.cfg").string();
    spec_.notify_dir = dir_.path();
    spec_.notify_dir_inside = dir_.path().string();
    std::ofstream(spec_.haproxy_config)
        << RenderHaproxyConfig({spec_.node, spec_.port, "127.0.0.1"});
  }
};

TEST_F(RealHaproxyLabTest, ArgumentsNameTheNodeFirst) {
  spec_.lab = "vl-7-";
  EXPECT_EQ(ServiceArguments(spec_),
            (std::vector<std::string>{"-L", "vl-7-lbtest", "-Ws", "-f", spec_.haproxy_config}));
  EXPECT_EQ(ServiceIdentity(spec_), (std::vector<std::string>{"-L", "vl-7-lbtest"}));
}

TEST_F(RealHaproxyLabTest, AnswersWithItsNodeNameAndStopsWithItsWorker) {
  Process service = StartService(spec_);
  const std::string response = HttpGet(spec_.port);
  EXPECT_THAT(response, ::testing::StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(response, ::testing::EndsWith("\r\n\r\nlbtest\n"));
  EXPECT_EQ(Check("http"), 0);
  const pid_t master = service.pid();
  service.Stop(2s);
  // The worker is in the master's process group; once the master has stopped it, none is left
  // running. (kill(-master, 0) would also find a worker that has exited but not yet been reaped
  // by the process it was reparented to: a zombie, which is stopped.)
  EXPECT_THAT(LiveProcessesInGroup(master), ::testing::IsEmpty());
  EXPECT_NE(Check("tcp"), 0);
}

TEST_F(RealHaproxyLabTest, BadConfigFailsWithHaproxysMessage) {
  std::ofstream(spec_.haproxy_config) << "frontend x\n    bind :notaport\n";
  try {
    StartService(spec_);
    FAIL() << "haproxy started with a broken config";
  } catch (const SystemError& e) {
    EXPECT_THAT(e.what(), HasSubstr("haproxy on lbtest"));
    EXPECT_THAT(e.what(), HasSubstr("before it reported READY=1"));
    EXPECT_THAT(e.what(), HasSubstr("ALERT"));
  }
}

}  // namespace
}  // namespace viplab
