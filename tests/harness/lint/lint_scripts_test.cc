// KA009 bash-only syntax run by /bin/sh, KA010 notify scripts stopping the tracked service,
// KA011 scripts missing or not executable.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "harness/lint/lint.h"
#include "tests/common/files.h"
#include "tests/harness/lint/lint_builder.h"

namespace viplab::lint {
namespace {

using testing::Contains;
using testing::Dump;
using testing::Instance;
using testing::Node;
using testing::Notify;
using testing::Only;
using testing::Options;
using testing::Ref;
using testing::Script;
using testing::Set;


// One node tracking `check` (weight 0), with `notify_backup` when given.
kconf::ConfigSet WithCheck(const std::string& check, const std::string& notify_backup = "") {
  kconf::VrrpInstance instance = Instance("VI_1", 51, 100);
  instance.track_scripts.push_back(Ref("chk"));
  if (!notify_backup.empty()) instance.notify.backup = Notify("notify_backup", notify_backup);
  return Set({Node("lb1", {instance}, {Script("chk", check, 0)})});
}

void WriteFile(const std::filesystem::path& file, const std::string& body, mode_t mode) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << body;
  ASSERT_EQ(::chmod(file.c_str(), mode), 0);
}

TEST(LintScriptsTest, DevTcpLineRunsThroughSh) {
  const std::vector<Finding> findings = Lint(WithCheck("</dev/tcp/127.0.0.1/80"), Options());
  const std::vector<Finding> ka009 = Only(findings, "KA009");
  ASSERT_EQ(ka009.size(), 1u) << Dump(findings);
  EXPECT_EQ(ka009[0].severity, Severity::kWarning);
  EXPECT_EQ(ka009[0].node, "lb1");
  EXPECT_TRUE(Contains(ka009[0].message, "vrrp_script chk \"</dev/tcp/127.0.0.1/80\""))
      << ka009[0].message;
  EXPECT_TRUE(Contains(ka009[0].message, "run by /bin/sh -c")) << ka009[0].message;
  EXPECT_TRUE(Contains(ka009[0].basis, "check_script_secure"));
  EXPECT_EQ(ka009[0].where.line, 3);
}

TEST(LintScriptsTest, ShDashCWithBashOnlySyntax) {
  const std::vector<Finding> ka009 =
      Only(Lint(WithCheck("/bin/sh -c '[[ -f /run/haproxy.pid ]]'"), Options()), "KA009");
  ASSERT_EQ(ka009.size(), 1u);
  EXPECT_TRUE(Contains(ka009[0].message, "/bin/sh -c")) << ka009[0].message;
  EXPECT_TRUE(Contains(ka009[0].message, "[[")) << ka009[0].message;
}

TEST(LintScriptsTest, BashOrPlainProgramsAreClean) {
  for (const char* check : {"bash -c '</dev/tcp/127.0.0.1/80'", "killall -0 haproxy",
                            "/usr/bin/curl -fs http://127.0.0.1/", "/bin/sh -c 'test -f /x'"}) {
    const std::vector<Finding> findings = Lint(WithCheck(check), Options());
    EXPECT_TRUE(Only(findings, "KA009").empty()) << check << "\n" << Dump(findings);
  }
}

TEST(LintScriptsTest, ScriptBodiesFromFiles) {
  viplab::testing::ScratchDir files("lint-files");
  WriteFile(files / "etc/keepalived/chk_sh.sh",
            "#!/bin/sh\n# [[ in a comment is fine\nfunction up {\n  exec 3<>/dev/tcp/127.0.0.1/80\n"
            "}\n[[ -n \"$x\" ]] && up\n",
            0755);
  WriteFile(files / "etc/keepalived/chk_bash.sh", "#!/bin/bash\n[[ -n \"$x\" ]]\n", 0755);
  LintOptions options = Options();
  options.files_dir = files.path();
  const std::vector<Finding> ka009 =
      Only(Lint(WithCheck("/usr/bin/timeout 2 /etc/keepalived/chk_sh.sh"), options), "KA009");
  ASSERT_EQ(ka009.size(), 1u);
  EXPECT_TRUE(Contains(ka009[0].message, "/etc/keepalived/chk_sh.sh (#!/bin/sh)"))
      << ka009[0].message;
  EXPECT_TRUE(Contains(ka009[0].message, "line 3: function NAME")) << ka009[0].message;
  EXPECT_TRUE(Contains(ka009[0].message, "line 6: [[")) << ka009[0].message;
  EXPECT_FALSE(Contains(ka009[0].message, "line 2")) << ka009[0].message;
  EXPECT_TRUE(Only(Lint(WithCheck("/etc/keepalived/chk_bash.sh"), options), "KA009").empty());
  // Run by bash explicitly: its #!/bin/sh line does not matter.
  EXPECT_TRUE(
      Only(Lint(WithCheck("/bin/bash /etc/keepalived/chk_sh.sh"), options), "KA009").empty());
  // Run by sh explicitly: its #!/bin/bash line does not matter.
  const std::vector<Finding> by_sh =
      Only(Lint(WithCheck("sh /etc/keepalived/chk_bash.sh"), options), "KA009");
  ASSERT_EQ(by_sh.size(), 1u);
  EXPECT_TRUE(Contains(by_sh[0].message,
                       "/etc/keepalived/chk_bash.sh run by sh (its #!/bin/bash "
                       "line aside)"))
      << by_sh[0].message;
}

TEST(LintScriptsTest, NotifyStoppingTheCheckedService) {
  const std::vector<Finding> findings =
      Lint(WithCheck("killall -0 haproxy", "/usr/bin/systemctl stop haproxy.service"), Options());
  const std::vector<Finding> ka010 = Only(findings, "KA010");
  ASSERT_EQ(ka010.size(), 1u) << Dump(findings);
  EXPECT_EQ(ka010[0].severity, Severity::kWarning);
  EXPECT_EQ(ka010[0].instance, "VI_1");
  EXPECT_TRUE(Contains(ka010[0].message, "vrrp_instance VI_1 notify_backup")) << ka010[0].message;
  EXPECT_TRUE(Contains(ka010[0].message,
                       "stops haproxy (the command line), the service this "
                       "node's checks track"))
      << ka010[0].message;
  EXPECT_TRUE(Contains(ka010[0].basis, "#2485"));
  EXPECT_EQ(ka010[0].where.line, 30);
}

// keepalived #2485: notify_backup /etc/keepalived/stop_haproxy.sh beside "killall -0 haproxy".
TEST(LintScriptsTest, Issue2485StopScriptByName) {
  const std::vector<Finding> ka010 = Only(
      Lint(WithCheck("killall -0 haproxy", "/etc/keepalived/stop_haproxy.sh"), Options()), "KA010");
  ASSERT_EQ(ka010.size(), 1u);
  EXPECT_TRUE(Contains(ka010[0].message,
                       "stops haproxy (the file name stop_haproxy.sh), the "
                       "service this node's checks track"))
      << ka010[0].message;
  EXPECT_TRUE(
      Only(Lint(WithCheck("killall -0 haproxy", "/etc/keepalived/start_haproxy.sh"), Options()),
           "KA010")
          .empty());
}

TEST(LintScriptsTest, NotifyStoppingACommonServiceByFileName) {
  const std::vector<Finding> ka010 =
      Only(Lint(WithCheck("/usr/local/bin/check_vip", "/etc/keepalived/stop_nginx.sh"), Options()),
           "KA010");
  ASSERT_EQ(ka010.size(), 1u);
  EXPECT_TRUE(Contains(ka010[0].message,
                       "stops nginx (the file name stop_nginx.sh), a common "
                       "load balancer"))
      << ka010[0].message;
}

TEST(LintScriptsTest, NotifyBodyFromFiles) {
  viplab::testing::ScratchDir files("lint-files");
  WriteFile(files / "etc/keepalived/to_backup.sh",
            "#!/bin/bash\nlogger backup\nservice nginx stop\n", 0755);
  WriteFile(files / "etc/keepalived/log.sh", "#!/bin/bash\nlogger \"$@\"\nkillall -0 nginx\n",
            0755);
  LintOptions options = Options();
  options.files_dir = files.path();
  const std::vector<Finding> ka010 =
      Only(Lint(WithCheck("pidof nginx", "/etc/keepalived/to_backup.sh"), options), "KA010");
  ASSERT_EQ(ka010.size(), 1u);
  EXPECT_TRUE(Contains(ka010[0].message,
                       "stops nginx (/etc/keepalived/to_backup.sh line 3: service nginx stop)"))
      << ka010[0].message;
  EXPECT_TRUE(
      Only(Lint(WithCheck("pidof nginx", "/etc/keepalived/log.sh"), options), "KA010").empty());
}

TEST(LintScriptsTest, HarmlessNotifiesAreClean) {
  for (const char* notify : {"/usr/bin/systemctl start haproxy", "/usr/bin/logger to backup",
                             "/usr/bin/systemctl stop rsyslog", "killall -0 haproxy"}) {
    const std::vector<Finding> findings = Lint(WithCheck("killall -0 haproxy", notify), Options());
    EXPECT_TRUE(Only(findings, "KA010").empty()) << notify << "\n" << Dump(findings);
  }
}

TEST(LintScriptsTest, ShellSyntaxInADirectlyExecedLine) {
  const std::vector<Finding> findings =
      Lint(WithCheck("/usr/bin/curl -fs http://127.0.0.1/health | grep -q ok"), Options());
  const std::vector<Finding> ka021 = Only(findings, "KA021");
  ASSERT_EQ(ka021.size(), 1u) << Dump(findings);
  EXPECT_EQ(ka021[0].severity, Severity::kWarning);
  EXPECT_TRUE(Contains(ka021[0].message, "keepalived execs /usr/bin/curl directly"))
      << ka021[0].message;
  EXPECT_TRUE(Contains(ka021[0].message, "'|' reaches it as literal argument")) << ka021[0].message;
  EXPECT_EQ(
      Only(Lint(WithCheck("killall -0 haproxy && exit 0 >/dev/null"), Options()), "KA021").size(),
      1u);
  for (const char* clean :
       {"/usr/bin/curl -fs http://127.0.0.1/?a=1&b=2", "/bin/sh -c 'pidof haproxy || exit 1'",
        "</dev/tcp/127.0.0.1/80", "/usr/bin/timeout 1.9 /etc/keepalived/chk.sh"}) {
    EXPECT_TRUE(Only(Lint(WithCheck(clean), Options()), "KA021").empty()) << clean;
  }
}

TEST(LintScriptsTest, MissingOrNotExecutableScripts) {
  viplab::testing::ScratchDir files("lint-files");
  WriteFile(files / "etc/keepalived/chk.sh", "#!/bin/sh\nexit 0\n", 0644);
  WriteFile(files / "etc/keepalived/ok.sh", "#!/bin/sh\nexit 0\n", 0755);
  LintOptions options = Options();
  options.files_dir = files.path();
  const std::vector<Finding> not_exec =
      Only(Lint(WithCheck("/etc/keepalived/chk.sh"), options), "KA011");
  ASSERT_EQ(not_exec.size(), 1u);
  EXPECT_EQ(not_exec[0].severity, Severity::kWarning);
  EXPECT_TRUE(Contains(not_exec[0].message, "is not executable")) << not_exec[0].message;
  EXPECT_EQ(not_exec[0].fix, "chmod 755 /etc/keepalived/chk.sh");
  EXPECT_TRUE(Only(Lint(WithCheck("/etc/keepalived/ok.sh"), options), "KA011").empty());
  // Without the host, what --files lacks is not judged.
  EXPECT_TRUE(Only(Lint(WithCheck("/etc/keepalived/absent.sh"), options), "KA011").empty());
  options.look_on_host = true;
  const std::vector<Finding> missing =
      Only(Lint(WithCheck("/nonexistent-viplab/chk.sh arg"), options), "KA011");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_TRUE(Contains(missing[0].message,
                       "program /nonexistent-viplab/chk.sh of "
                       "\"/nonexistent-viplab/chk.sh arg\" is found in "
                       "neither --files"))
      << missing[0].message;
  EXPECT_TRUE(Only(Lint(WithCheck("/bin/sh -c true"), options), "KA011").empty());
  EXPECT_TRUE(Only(Lint(WithCheck("sh -c true"), options), "KA011").empty());
  EXPECT_EQ(Only(Lint(WithCheck("no-such-program-viplab x"), options), "KA011").size(), 1u);
}

}  // namespace
}  // namespace viplab::lint
