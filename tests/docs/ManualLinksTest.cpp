// Every relative link in README.md and docs/ leads somewhere: the file or folder exists, and an
// anchor names a heading of its page as GitHub makes anchors of headings.
#include <cctype>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// The page's lines outside fenced code blocks, with inline code spans removed.
std::vector<std::string> proseLines(const fs::path& page) {
    std::ifstream in(page);
    std::vector<std::string> out;
    bool fenced = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("```", 0) == 0) {
            fenced = !fenced;
            out.emplace_back();
            continue;
        }
        if (fenced) {
            out.emplace_back();
            continue;
        }
        out.push_back(std::regex_replace(line, std::regex("`[^`]*`"), ""));
    }
    return out;
}

// GitHub's anchor of a heading: the rendered text in lower case, punctuation dropped, spaces as
// hyphens; repeated headings get -1, -2, ...
std::string slug(std::string text) {
    text = std::regex_replace(text, std::regex("\\[([^\\]]*)\\]\\([^)]*\\)"), "$1");  // a link: its text
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
        else if (c == ' ' || c == '-') out += '-';
        else if (c == '_' || c >= 0x80) out += static_cast<char>(c);
    }
    return out;
}

std::set<std::string> anchorsOf(const fs::path& page) {
    std::set<std::string> anchors;
    std::map<std::string, int> seen;
    std::ifstream in(page);
    bool fenced = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("```", 0) == 0) fenced = !fenced;
        if (fenced || line.empty() || line[0] != '#') continue;
        const std::size_t text = line.find_first_not_of('#');
        if (text == std::string::npos || line[text] != ' ') continue;
        const std::string base = slug(line.substr(text + 1));
        const int n = seen[base]++;
        anchors.insert(n == 0 ? base : base + "-" + std::to_string(n));
    }
    return anchors;
}

}  // namespace

TEST(Manual, EveryRelativeLinkAndAnchorResolves) {
    const fs::path root = FRA_SOURCE_DIR;
    std::vector<fs::path> pages = {root / "README.md"};
    for (const auto& e : fs::directory_iterator(root / "docs"))
        if (e.path().extension() == ".md") pages.push_back(e.path());
    ASSERT_GT(pages.size(), 5u);
    const std::regex link("\\]\\(([^)\\s]+)(\\s+\"[^\"]*\")?\\)");
    std::size_t checked = 0;
    for (const auto& page : pages) {
        const auto lines = proseLines(page);
        for (std::size_t n = 0; n < lines.size(); ++n) {
            for (std::sregex_iterator it(lines[n].begin(), lines[n].end(), link), end; it != end; ++it) {
                const std::string target = (*it)[1];
                if (target.find("://") != std::string::npos || target.rfind("mailto:", 0) == 0) continue;
                const std::size_t hash = target.find('#');
                const std::string file = target.substr(0, hash);
                const fs::path resolved = file.empty() ? page : (page.parent_path() / file).lexically_normal();
                const std::string where = fs::relative(page, root).string() + ":" + std::to_string(n + 1) + ": ";
                ++checked;
                if (!fs::exists(resolved)) {
                    ADD_FAILURE() << where << "'" << target << "': no such file or folder";
                    continue;
                }
                if (hash == std::string::npos) continue;
                const std::string anchor = target.substr(hash + 1);
                if (resolved.extension() != ".md") continue;
                const auto anchors = anchorsOf(resolved);
                EXPECT_TRUE(anchors.count(anchor)) << where << "'" << target << "': no heading with the anchor '" << anchor << "' in "
                                                   << fs::relative(resolved, root).string();
            }
        }
    }
    EXPECT_GT(checked, 50u);  // the pages do link to each other
}
