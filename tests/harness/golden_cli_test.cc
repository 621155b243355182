// Golden outputs, part 3: what build/viplab prints without root or a lab, byte for byte: the
// --help text of viplab and of every subcommand (the CLI is being split into one file per
// subcommand; the options must stay identical), `viplab explain` over the shipped cases and the
// matrix, `viplab matrix cases/matrix.json --list` (with and without --filter and --shard),
// `viplab report --junit -`, and a few usage errors. Each command runs with the source tree as
// its working directory (relative paths in, relative paths out), argv[0] "viplab" (CLI11 prints
// it in usage lines) and GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX removed (matrix's default shard).
// Each golden, tests/harness/golden/cli/<name>.txt, holds the command line, its exit code, its
// stdout and its stderr (captured separately). `viplab --version` is left out: it changes with
// the project version.
// Also the oracle over every matrix scenario (library call): tests/harness/golden/explain/.
// Regenerate deliberately: VIPLAB_UPDATE_GOLDEN=1 build/golden_test, then review the diff.
#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>
#include <vector>

#include "harness/model/matrix.h"
#include "harness/oracle/explain.h"
#include "harness/oracle/oracle.h"
#include "harness/report/report.h"
#include "tests/harness/golden_check.h"

namespace viplab {
namespace {

using testing::GoldenFolder;
using testing::ReadBytes;

const std::filesystem::path kSource = VIPLAB_SOURCE_DIR;
const std::filesystem::path kViplab = std::filesystem::path(VIPLAB_BUILD_DIR) / "viplab";

struct Output {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs viplab with `args` in the source tree, stdout and stderr into files of a fresh temporary
// directory; waits for it to exit (waitpid: no polling).
Output RunViplab(const std::vector<std::string>& args) {
  std::string pattern = (std::filesystem::temp_directory_path() / "viplab-golden-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  const std::filesystem::path dir = pattern;
  const std::string out_file = dir / "stdout";
  const std::string err_file = dir / "stderr";
  std::vector<std::string> argv_strings = {"viplab"};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The environment without gtest's sharding variables (matrix's default --shard reads them).
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view var = *e;
    if (var.rfind("GTEST_TOTAL_SHARDS=", 0) == 0 || var.rfind("GTEST_SHARD_INDEX=", 0) == 0) {
      continue;
    }
    envp.push_back(*e);
  }
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Between fork and exec: async-signal-safe calls only.
    const int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0 || err < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0 ||
        ::chdir(kSource.c_str()) != 0) {
      ::_exit(127);
    }
    ::execve(kViplab.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  }
  Output output;
  output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  output.out = ReadBytes(out_file);
  output.err = ReadBytes(err_file);
  std::filesystem::remove_all(dir);
  return output;
}

struct Command {
  std::string name;  // the golden file: cli/<name>.txt
  std::vector<std::string> args;
};

const std::vector<Command> kCommands = {
    {"help", {"--help"}},
    {"help-run", {"run", "--help"}},
    {"help-explain", {"explain", "--help"}},
    {"help-clean", {"clean", "--help"}},
    {"help-matrix", {"matrix", "--help"}},
    {"help-report", {"report", "--help"}},
    {"help-lint", {"lint", "--help"}},
    {"help-certify", {"certify", "--help"}},
    {"no-subcommand", {}},
    {"unknown-subcommand", {"frobnicate"}},
    {"run-without-scenarios", {"run"}},
    {"matrix-bad-shard", {"matrix", "cases/matrix.json", "--list", "--shard", "3/2"}},
    {"explain-issue-2599", {"explain", "cases/issue-2599"}},
    {"explain-catalog", {"explain", "cases/catalog"}},
    {"explain-deploy", {"explain", "cases/deploy"}},
    {"explain-failback", {"explain", "cases/failback"}},
    {"explain-matrix", {"explain", "cases/matrix.json"}},
    {"explain-missing-file", {"explain", "cases/no-such-case.json"}},
    {"matrix-list", {"matrix", "cases/matrix.json", "--list"}},
    {"matrix-list-filter-shard",
     {"matrix", "cases/matrix.json", "--list", "--filter", "nopreempt/*", "--filter",
      "*/node-crash", "--shard", "2/3"}},
    {"lint-issue-2599",
     {"lint", "--no-config-test", "-v", "cases/certify/issue-2599/lb1.conf",
      "cases/certify/issue-2599/lb2.conf"}},
    {"lint-sync-group",
     {"lint", "--no-config-test", "cases/certify/sync-group-two-segments"}},
    {"certify-dry-run-three-node", {"certify", "--dry-run", "cases/certify/three-node-unicast"}},
    {"certify-dry-run-single-file",
     {"certify", "--dry-run", "cases/certify/single-file-id/keepalived.conf@lb1",
      "cases/certify/single-file-id/keepalived.conf@lb2"}},
    {"report-junit-stdout", {"report", "tests/harness/data/report-v1.json", "--junit", "-"}},
};

TEST(GoldenCli, OutputsAndExitCodesAsReviewed) {
  ASSERT_TRUE(std::filesystem::exists(kViplab)) << kViplab << " (build the viplab target)";
  GoldenFolder folder("cli");
  for (const Command& command : kCommands) {
    const Output output = RunViplab(command.args);
    folder.Check(
        command.name + ".txt",
        fmt::format("$ viplab {}\nexit {}\n--- stdout\n{}--- stderr\n{}",
                    fmt::join(command.args, " "), output.exit_code, output.out, output.err));
  }
  folder.Finish();
}

// The oracle over the whole matrix (`viplab explain` refuses a matrix file): each entry's
// explanation and the expectation it is judged by (ExpectationFromPrediction of its first fault),
// in expansion order, in explain/matrix.txt.
TEST(GoldenExplain, EveryMatrixScenario) {
  GoldenFolder folder("explain");
  // Loaded by a relative path, as `viplab matrix cases/matrix.json` would: explanations name it.
  const std::filesystem::path cwd = std::filesystem::current_path();
  std::filesystem::current_path(kSource);
  const Matrix matrix = LoadMatrix("cases/matrix.json");
  std::filesystem::current_path(cwd);
  std::string text;
  for (const MatrixEntry& entry : matrix.entries) {
    text += fmt::format("## {}\n{}", entry.name, ExplainScenario(entry.scenario));
    const ScenarioPrediction prediction = PredictScenario(entry.scenario);
    if (!prediction.faults.empty()) {
      text += fmt::format(
          "judged by: {}\n",
          ExpectationToJson(ExpectationFromPrediction(prediction.faults.front())).dump());
    }
  }
  folder.Check("matrix.txt", text);
  folder.Finish();
}

}  // namespace
}  // namespace viplab
