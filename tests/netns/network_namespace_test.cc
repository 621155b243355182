#include "netns/network_namespace.h"

#include <gtest/gtest.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "netns/error.h"
#include "tests/common/lab_env.h"

namespace viplab {
namespace {

using NetworkNamespaceTest = testing::LabTest;

ino_t InodeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) < 0) return 0;
  return st.st_ino;
}

ino_t InodeOfFd(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) < 0) return 0;
  return st.st_ino;
}

TEST_F(NetworkNamespaceTest, CreateAndRemoveAreIdempotent) {
  NetworkNamespace ns = NetworkNamespace::Create(Name("a"));
  EXPECT_EQ(ns.name(), Name("a"));
  EXPECT_EQ(ns.path(), "/run/netns/" + Name("a"));
  EXPECT_TRUE(NetworkNamespace::Exists(Name("a")));
  EXPECT_GE(ns.fd(), 0);
  // The file is a mount of the namespace the handle's fd refers to.
  EXPECT_EQ(InodeOf(ns.path()), InodeOfFd(ns.fd()));

  ns.Remove();
  EXPECT_FALSE(NetworkNamespace::Exists(Name("a")));
  EXPECT_LT(ns.fd(), 0);
  EXPECT_NO_THROW(ns.Remove());
  EXPECT_FALSE(NetworkNamespace::RemoveByName(Name("a")));
}

TEST_F(NetworkNamespaceTest, DestructorRemoves) {
  { NetworkNamespace ns = NetworkNamespace::Create(Name("d")); }
  EXPECT_FALSE(NetworkNamespace::Exists(Name("d")));
}

TEST_F(NetworkNamespaceTest, RemoveByNameRemovesAndReportsIt) {
  NetworkNamespace ns = NetworkNamespace::Create(Name("r"));
  EXPECT_TRUE(NetworkNamespace::RemoveByName(Name("r")));
  EXPECT_FALSE(NetworkNamespace::Exists(Name("r")));
  EXPECT_FALSE(NetworkNamespace::RemoveByName(Name("r")));
}

TEST_F(NetworkNamespaceTest, CreatingATakenNameFailsWithEexistAndKeepsTheFirst) {
  NetworkNamespace first = NetworkNamespace::Create(Name("x"));
  try {
    NetworkNamespace::Create(Name("x"));
    FAIL() << "second Create succeeded";
  } catch (const SystemError& e) {
    EXPECT_EQ(e.code(), EEXIST);
    EXPECT_NE(std::string(e.what()).find("'" + Name("x") + "'"), std::string::npos) << e.what();
  }
  // The failed attempt must not have cleaned up the namespace it did not create.
  EXPECT_TRUE(NetworkNamespace::Exists(Name("x")));
  EXPECT_EQ(InodeOf(first.path()), InodeOfFd(first.fd()));
}

TEST_F(NetworkNamespaceTest, RejectsNamesThatAreNotFileNames) {
  EXPECT_THROW(NetworkNamespace::Create(""), SystemError);
  EXPECT_THROW(NetworkNamespace::Create("a/b"), SystemError);
  EXPECT_THROW(NetworkNamespace::Create(".."), SystemError);
}

TEST_F(NetworkNamespaceTest, RunExecutesInsideTheNamespace) {
  NetworkNamespace ns = NetworkNamespace::Create(Name("run"));
  const ino_t host = InodeOf("/proc/thread-self/ns/net");
  ino_t inside = 0;
  ns.Run([&] { inside = InodeOf("/proc/thread-self/ns/net"); });
  EXPECT_NE(inside, 0u);
  EXPECT_EQ(inside, InodeOf(ns.path()));
  EXPECT_NE(inside, host);
  // The caller's thread did not move.
  EXPECT_EQ(InodeOf("/proc/thread-self/ns/net"), host);
}

TEST_F(NetworkNamespaceTest, RunRethrowsInTheCaller) {
  NetworkNamespace ns = NetworkNamespace::Create(Name("throw"));
  EXPECT_THROW(ns.Run([] { throw std::logic_error("from inside"); }), std::logic_error);
}

TEST_F(NetworkNamespaceTest, OpenSocketBelongsToTheNamespace) {
  NetworkNamespace ns = NetworkNamespace::Create(Name("sock"));
  UniqueFd sock = ns.OpenSocket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_TRUE(sock);
  UniqueFd sock_ns(::ioctl(sock.get(), SIOCGSKNS));  // the socket's network namespace
  ASSERT_TRUE(sock_ns) << std::strerror(errno);
  EXPECT_EQ(InodeOfFd(sock_ns.get()), InodeOf(ns.path()));
}

TEST_F(NetworkNamespaceTest, OpenDoesNotOwn) {
  NetworkNamespace created = NetworkNamespace::Create(Name("o"));
  {
    NetworkNamespace opened = NetworkNamespace::Open(Name("o"));
    EXPECT_EQ(InodeOfFd(opened.fd()), InodeOfFd(created.fd()));
  }
  EXPECT_TRUE(NetworkNamespace::Exists(Name("o")));
  try {
    NetworkNamespace::Open(Name("missing"));
    FAIL() << "opened a missing namespace";
  } catch (const SystemError& e) {
    EXPECT_EQ(e.code(), ENOENT);
  }
}

TEST_F(NetworkNamespaceTest, MoveTransfersOwnership) {
  NetworkNamespace a = NetworkNamespace::Create(Name("m"));
  NetworkNamespace b = std::move(a);
  { NetworkNamespace gone = std::move(a); }  // an empty handle removes nothing
  EXPECT_TRUE(NetworkNamespace::Exists(Name("m")));
  NetworkNamespace c = NetworkNamespace::Create(Name("m2"));
  c = std::move(b);  // c's own namespace is removed, it now owns "m"
  EXPECT_FALSE(NetworkNamespace::Exists(Name("m2")));
  EXPECT_EQ(c.name(), Name("m"));
  c.Remove();
  EXPECT_FALSE(NetworkNamespace::Exists(Name("m")));
}

}  // namespace
}  // namespace viplab
