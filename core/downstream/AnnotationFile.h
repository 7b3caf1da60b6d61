#pragma once
#include "util/FraError.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fra {

// Line-by-line reading of annotation files with errors that name file and line (LF or CRLF line
// ends, a UTF-8 byte-order mark skipped):
//   AnnotationFile f(root / "list.txt");
//   while (f.next()) { auto t = f.tokens(); int label = f.integer(t[1], "label"); ... }
class AnnotationFile {
public:
    explicit AnnotationFile(std::filesystem::path path);
    bool next();                              // skips blank lines; false at the end; throws for an empty file
    const std::string& line() const { return line_; }
    int lineNumber() const { return number_; }
    std::string where() const;                // "path:line"
    std::vector<std::string> tokens() const;  // split on whitespace
    // The line as a CSV record (RFC 4180: quoted fields, "" for a quote inside one); a quoted field
    // holding line breaks takes the following lines into the record. Throws FraError naming the line
    // where an unterminated quote began.
    std::vector<std::string> fields(char separator);
    [[noreturn]] void fail(const std::string& message) const;
    int integer(const std::string& token, const std::string& what) const;
    double number(const std::string& token, const std::string& what) const;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    std::ifstream in_;
    std::string line_;
    int number_ = 0;
    bool entries_ = false;
    bool crlf_ = false;  // the current line ended in CRLF (kept inside a quoted field that spans lines)
};

// iBUG .pts landmarks ("version: 1", "n_points: 68", "{", "x y" lines, "}"); throws FraError.
std::vector<float> readPtsFile(const std::filesystem::path& file);
void writePtsFile(const std::filesystem::path& file, const std::vector<float>& xy);

}  // namespace fra
