#include "tests/harness/kconf/conf_builder.h"

#include <sstream>
#include <string>
#include <vector>

namespace viplab::kconf::testing {
namespace {

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool quoted = false;
  bool have = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
      have = true;
    } else if (!quoted && (c == ' ' || c == '\t')) {
      if (have) words.push_back(word);
      word.clear();
      have = false;
    } else {
      word += c;
      have = true;
    }
  }
  if (have) words.push_back(word);
  return words;
}

}  // namespace

ConfTree BuildTree(std::string_view text) {
  ConfTree tree;
  tree.files.push_back("t.conf");
  std::vector<std::vector<ConfNode>*> stack{&tree.top};
  std::istringstream in{std::string(text)};
  std::string raw;
  int number = 0;
  while (std::getline(in, raw)) {
    ++number;
    std::vector<std::string> words = Words(raw);
    if (words.empty()) continue;
    if (words.size() == 1 && words[0] == "}") {
      stack.pop_back();
      continue;
    }
    ConfNode node;
    node.where = SourceLocation{.file = "t.conf", .line = number};
    node.text = raw;
    node.line = raw;
    node.has_block = words.back() == "{";
    if (node.has_block) words.pop_back();
    node.keyword = words[0];
    node.args.assign(words.begin() + 1, words.end());
    stack.back()->push_back(std::move(node));
    if (stack.back()->back().has_block) stack.push_back(&stack.back()->back().children);
  }
  return tree;
}

}  // namespace viplab::kconf::testing
