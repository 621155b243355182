// The HTML report in a real browser: headless Chromium (Debian package `chromium`) opens a page
// rendered from tests/harness/data/ plus synthetic scenarios (adverts, a hostile failing one),
// takes a screenshot, dumps the DOM after the page's script ran, and clicks the sortable
// headers. No root needed (--no-sandbox, which Chromium requires when run as root). A missing
// chromium is a failure naming ci/install-deps.sh, not a skip. The page, screenshot and DOM are
// kept in build/html-browser-test.out/ for a look.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

#include "harness/report/html_report.h"

namespace viplab {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

constexpr int kWindowWidth = 1400;
constexpr int kWindowHeight = 2000;

fs::path OutDir() { return fs::path(VIPLAB_BUILD_DIR) / "html-browser-test.out"; }

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  ASSERT_TRUE(out) << path;
}

json LoadData(const std::string& name) {
  std::ifstream in(std::string(VIPLAB_SOURCE_DIR) + "/tests/harness/data/" + name);
  EXPECT_TRUE(in) << name;
  return json::parse(in);
}

// $VIPLAB_CHROMIUM, else chromium or chromium-browser on PATH (or /usr/bin/chromium).
std::optional<std::string> FindChromium() {
  if (const char* env = std::getenv("VIPLAB_CHROMIUM"); env && *env) {
    if (access(env, X_OK) == 0) return std::string(env);
    return std::nullopt;
  }
  std::vector<std::string> dirs = {"/usr/bin"};
  if (const char* path = std::getenv("PATH")) {
    std::stringstream parts(path);
    for (std::string dir; std::getline(parts, dir, ':');) dirs.push_back(dir);
  }
  for (const char* name : {"chromium", "chromium-browser"}) {
    for (const std::string& dir : dirs) {
      fs::path candidate = fs::path(dir) / name;
      if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  }
  return std::nullopt;
}

size_t CountMatches(const std::string& text, const std::string& pattern) {
  std::regex re(pattern);
  return static_cast<size_t>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

// `needle` in `haystack`, without printing a whole DOM on failure.
::testing::AssertionResult Contains(const std::string& haystack, const std::string& needle) {
  if (haystack.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "not found: " << needle;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct BrowserRun {
  int status = -1;
  std::string out;  // stdout (the DOM with --dump-dom)
  std::string log;  // stderr, with console messages (--enable-logging=stderr)
};

// Runs headless Chromium on `page` with `extra` arguments; at most 90 s.
BrowserRun RunChromium(const std::string& chromium, const fs::path& page, const std::string& name,
                       const std::vector<std::string>& extra) {
  fs::path profile = OutDir() / (name + "-profile");
  fs::remove_all(profile);
  std::string command = "timeout -k 5 90 " + ShellQuote(chromium);
  for (const char* arg :
       {"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
        "--enable-logging=stderr", "--v=0"}) {
    command += std::string(" ") + arg;
  }
  command += " " + ShellQuote("--user-data-dir=" + profile.string());
  for (const std::string& arg : extra) command += " " + ShellQuote(arg);
  command += " " + ShellQuote("file://" + page.string());
  fs::path out = OutDir() / (name + ".stdout");
  fs::path log = OutDir() / (name + ".log");
  command += " >" + ShellQuote(out.string()) + " 2>" + ShellQuote(log.string()) + " </dev/null";
  BrowserRun run;
  int status = std::system(command.c_str());
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = ReadFile(out);
  run.log = ReadFile(log);
  fs::remove_all(profile);
  return run;
}

// Console output of the page: Chromium logs it as "...:CONSOLE(line)] "message", source: ...".
// The report's script logs nothing, so every such line is a problem (an exception shows as
// "Uncaught ...").
std::vector<std::string> ConsoleLines(const std::string& log) {
  std::vector<std::string> lines;
  std::stringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find(":CONSOLE") != std::string::npos || line.find("Uncaught") != std::string::npos) {
      lines.push_back(line);
    }
  }
  return lines;
}

json Event(double t, const std::string& node, const std::string& kind, const std::string& detail) {
  return {{"t_ms", t}, {"node", node}, {"kind", kind}, {"detail", detail}};
}

// issue-2599 (b) with the adverts a wire capture would add: lb1 at 103 until its check fails,
// its priority-0 advert when it goes FAULT, then lb2 at 102.
json WithAdverts(json s) {
  json& events = s["events"];
  double release = s.value("release_ms", 400.0);
  double failover = s.value("failover_ms", 1000.0);
  for (double t = -1100; t < release; t += 1000) {
    events.push_back(Event(t, "lb1", "advert", "prio 103 v2 int 1s vrid 51"));
  }
  events.push_back(Event(release, "lb1", "advert", "prio 0 v2 int 1s vrid 51"));
  for (double t = failover; t < s.value("observed_ms", 2000.0); t += 1000) {
    events.push_back(Event(t, "lb2", "advert", "prio 102 v2 int 1s vrid 51"));
  }
  events.push_back(Event(failover + 2, "lb2", "garp", "10.77.0.200 is-at 02:5e:10:00:00:0c"));
  std::stable_sort(events.begin(), events.end(), [](const json& a, const json& b) {
    return a["t_ms"].get<double>() < b["t_ms"].get<double>();
  });
  s["name"] = "synthetic/adverts-on-the-wire";
  s["description"] = "issue-2599/b-no-weight-fault with synthetic advert and GARP events.";
  return s;
}

// A failing scenario whose name, failures and log try to break out of the markup.
json Hostile(json s) {
  s["name"] = R"(synthetic/<script>alert("x")</script>&'hostile')";
  s["passed"] = false;
  s["failures"] = {R"(owner_after: expected <lb2>, measured "lb1" & more)"};
  s["log_tail"] = {"lb1: Keepalived_vrrp[42]: <b>VRRP_Instance(VI_1)</b> & \"quoted\"",
                   "lb2: </pre><script>document.body.innerHTML=''</script>"};
  return s;
}

json BrowserReport() {
  json issue = LoadData("report-issue2599.json");
  json catalog = LoadData("report-catalog.json");
  json report = catalog;
  json scenarios = json::array();
  scenarios.push_back(WithAdverts(issue["scenarios"][1]));
  for (const json& s : catalog["scenarios"]) scenarios.push_back(s);
  scenarios.push_back(Hostile(issue["scenarios"][2]));
  for (const json& s : issue["scenarios"]) scenarios.push_back(s);
  report["scenarios"] = scenarios;
  report["passed"] = false;
  report["wall_ms"] = 61234.5;
  report["jobs"] = 2;
  return report;
}

class HtmlBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    std::optional<std::string> found = FindChromium();
    ASSERT_TRUE(found) << "chromium not found (nor $VIPLAB_CHROMIUM): run ci/install-deps.sh as "
                          "root, which installs the Debian package chromium (CI does)";
    chromium_ = *found;
    fs::create_directories(OutDir());
    report_ = BrowserReport();
    // One page per test: ctest may run them in parallel. The screenshot's page is report.html.
    std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    page_ =
        OutDir() / (test == "ScreenshotIsNonTrivial" ? "report.html" : "report-" + test + ".html");
    WriteFile(page_, RenderHtml(report_));
  }

  std::string chromium_;
  json report_;
  fs::path page_;
};

TEST_F(HtmlBrowser, ScreenshotIsNonTrivial) {
  fs::path png = OutDir() / "report.png";
  fs::remove(png);
  BrowserRun run = RunChromium(chromium_, page_, "screenshot",
                               {"--screenshot=" + png.string(),
                                fmt::format("--window-size={},{}", kWindowWidth, kWindowHeight)});
  ASSERT_EQ(run.status, 0) << run.log;
  ASSERT_TRUE(fs::exists(png)) << run.log;
  std::string bytes = ReadFile(png);
  ASSERT_GE(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(0, 8), "\x89PNG\r\n\x1a\n");
  auto be32 = [&](size_t at) {
    return (static_cast<uint32_t>(static_cast<uint8_t>(bytes[at])) << 24) |
           (static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + 1])) << 16) |
           (static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + 2])) << 8) |
           static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + 3]));
  };
  EXPECT_EQ(bytes.substr(12, 4), "IHDR");
  EXPECT_EQ(be32(16), static_cast<uint32_t>(kWindowWidth));
  EXPECT_EQ(be32(20), static_cast<uint32_t>(kWindowHeight));
  // A blank 1400x2000 page compresses to ~16 KB; the report (text, table, charts) is ~250 KB.
  EXPECT_GT(bytes.size(), 100u * 1024) << "screenshot " << png << " looks blank";
  EXPECT_THAT(ConsoleLines(run.log), ::testing::IsEmpty());
}

TEST_F(HtmlBrowser, DomAfterScriptHasRowsAndTimelines) {
  BrowserRun run = RunChromium(chromium_, page_, "dom", {"--dump-dom"});
  ASSERT_EQ(run.status, 0) << run.log;
  WriteFile(OutDir() / "report.dom.html", run.out);
  const std::string& dom = run.out;
  EXPECT_THAT(ConsoleLines(run.log), ::testing::IsEmpty());
  EXPECT_TRUE(Contains(dom, R"(<body data-rendered="1")"));
  size_t n = report_["scenarios"].size();
  EXPECT_EQ(CountMatches(dom, R"re(<tr class="row (pass|fail|error)" data-i="\d+")re"), n);
  EXPECT_EQ(CountMatches(dom, R"re(<svg id="tl-\d+" class="tl")re"), n);
  EXPECT_TRUE(Contains(dom, R"(class="own split")"));  // the catalog crash
  EXPECT_TRUE(Contains(dom, R"(<g class="adverts" data-sender="lb1">)"));
  EXPECT_TRUE(Contains(dom, R"(<svg class="cells")"));
  // The hostile scenario stayed text: one script element, the page body intact.
  EXPECT_EQ(CountMatches(dom, "<script"), 1u);
  EXPECT_TRUE(Contains(dom, "&lt;/pre&gt;&lt;script&gt;document.body.innerHTML"));
}

// Clicks the failover header (ascending, then descending) and the name header, recording the
// row order after each click in <body> attributes, then dumps the DOM.
TEST_F(HtmlBrowser, ClickingHeadersSortsTheSummary) {
  std::string html = ReadFile(page_);
  const std::string probe = R"(<script>
(function () {
  function order(attribute) {
    return Array.prototype.map.call(document.querySelectorAll("#summary-table tbody tr"),
        function (r) { return r.getAttribute(attribute); }).join(",");
  }
  var failover = document.querySelector('#summary-table th[data-key="failover"]');
  failover.click();
  document.body.setAttribute("data-order-ascending", order("data-failover"));
  failover.click();
  document.body.setAttribute("data-order-descending", order("data-failover"));
  document.querySelector('#summary-table th[data-key="name"]').click();
  document.body.setAttribute("data-order-name", order("data-i"));
})();
</script>)";
  size_t end = html.rfind("</body>");
  ASSERT_NE(end, std::string::npos);
  html.insert(end, probe);
  fs::path sorted = OutDir() / "report-sorted.html";
  WriteFile(sorted, html);
  BrowserRun run = RunChromium(chromium_, sorted, "sort", {"--dump-dom"});
  ASSERT_EQ(run.status, 0) << run.log;
  EXPECT_THAT(ConsoleLines(run.log), ::testing::IsEmpty());
  auto attribute = [&](const std::string& name) -> std::vector<std::string> {
    std::smatch m;
    std::regex re(name + R"re(="([^"]*)")re");
    if (!std::regex_search(run.out, m, re)) {
      ADD_FAILURE() << name << " not in the DOM";
      return {};
    }
    std::vector<std::string> values;
    std::stringstream in(m[1].str());
    for (std::string v; std::getline(in, v, ',');) values.push_back(v);
    if (!m[1].str().empty() && m[1].str().back() == ',') values.push_back("");
    return values;
  };

  // Expected: numbers ascending (descending), scenarios without a failover last either way.
  std::vector<double> numbers;
  size_t empty = 0;
  for (const json& s : report_["scenarios"]) {
    if (s["failover_ms"].is_number()) {
      numbers.push_back(s["failover_ms"].get<double>());
    } else {
      ++empty;
    }
  }
  ASSERT_GT(empty, 0u);
  auto check = [&](const std::vector<std::string>& got, bool ascending) {
    ASSERT_EQ(got.size(), numbers.size() + empty);
    std::vector<double> expected = numbers;
    std::sort(expected.begin(), expected.end());
    if (!ascending) std::reverse(expected.begin(), expected.end());
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_NEAR(std::stod(got[i]), expected[i], 0.051) << i;
    }
    for (size_t i = expected.size(); i < got.size(); ++i) EXPECT_EQ(got[i], "") << i;
  };
  check(attribute("data-order-ascending"), true);
  check(attribute("data-order-descending"), false);

  std::vector<std::pair<std::string, std::string>> names;  // name, data-i
  for (size_t i = 0; i < report_["scenarios"].size(); ++i) {
    names.emplace_back(report_["scenarios"][i]["name"].get<std::string>(), std::to_string(i + 1));
  }
  std::sort(names.begin(), names.end());
  std::vector<std::string> expected;
  for (const auto& [name, index] : names) expected.push_back(index);
  EXPECT_EQ(attribute("data-order-name"), expected);
  EXPECT_TRUE(
      std::regex_search(run.out, std::regex(R"re(data-key="name"[^>]*aria-sort="ascending")re")));
  EXPECT_FALSE(std::regex_search(run.out, std::regex(R"re(data-key="failover"[^>]*aria-sort)re")));
}

}  // namespace
}  // namespace viplab
