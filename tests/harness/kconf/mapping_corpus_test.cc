// The mapping on real configurations: every set of the shared corpus (../shared/keepalived-corpus
// next to the project, or $VIPLAB_CORPUS) maps and prints its --dry-run listing, with spot checks
// per set. Skipped, saying so, when the corpus is not there.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "harness/kconf/mapping.h"
#include "netns/error.h"

namespace viplab::kconf {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

fs::path CorpusDir() {
  if (const char* env = std::getenv("VIPLAB_CORPUS"); env != nullptr && *env != '\0') return env;
  return fs::path(VIPLAB_SOURCE_DIR) / ".." / "shared" / "keepalived-corpus";
}

#define SKIP_WITHOUT_CORPUS()                                        \
  if (!fs::is_directory(CorpusDir()))                                \
  GTEST_SKIP() << "no keepalived corpus at " << CorpusDir().string() \
               << " (set VIPLAB_CORPUS to the folder of configuration sets to run this test)"

struct Mapped {
  ConfigSet set;
  Mapping mapping;
  std::string text;
};

Mapped Map(std::string_view folder, const MappingOptions& options = {}) {
  Mapped m;
  m.set = LoadConfigSet({(CorpusDir() / folder).string()});
  m.mapping = MapConfigSet(m.set, options);
  m.text = DescribeMapping(m.mapping, m.set);
  return m;
}

const MappedInterface& Interface(const Mapping& m, std::string_view node, std::string_view name) {
  for (const MappedInterface& i : m.interfaces) {
    if (i.node == node && i.name == name) return i;
  }
  throw std::runtime_error("no interface " + std::string(node) + " " + std::string(name));
}

TEST(MappingCorpusTest, EverySetMapsAndPrintsItsMapping) {
  SKIP_WITHOUT_CORPUS();
  int sets = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(CorpusDir())) {
    if (!entry.is_directory()) continue;
    SCOPED_TRACE(entry.path().string());
    ++sets;
    try {
      const Mapped m = Map(entry.path().filename().string());
      EXPECT_EQ(m.mapping.scenario.nodes.size(), m.set.nodes.size());
      EXPECT_EQ(m.mapping.lab_configs.size(), m.set.nodes.size());
      EXPECT_FALSE(m.mapping.scenario.instances.empty());
      EXPECT_THAT(m.text, HasSubstr("segments:\n"));
      if (std::getenv("VIPLAB_PRINT_MAPPING") != nullptr) std::cout << m.text << '\n';
    } catch (const InputError& e) {
      ADD_FAILURE() << e.what();
    }
  }
  EXPECT_GE(sets, 8);
}

}  // namespace
}  // namespace viplab::kconf
