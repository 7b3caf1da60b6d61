#include "downstream/AnnotationFile.h"

#include "util/AtomicFile.h"
#include "util/Csv.h"

#include <cerrno>
#include <cstring>
#include <sstream>

namespace fra {

AnnotationFile::AnnotationFile(std::filesystem::path path) : path_(std::move(path)), in_(path_) {
    if (!in_) throw FraError("cannot read annotation file '" + path_.string() + "': " + std::strerror(errno));
}

bool AnnotationFile::next() {
    while (std::getline(in_, line_)) {
        ++number_;
        if (number_ == 1 && line_.rfind("\xEF\xBB\xBF", 0) == 0) line_.erase(0, 3);  // the byte-order mark spreadsheets write
        crlf_ = !line_.empty() && line_.back() == '\r';
        if (crlf_) line_.pop_back();
        if (line_.find_first_not_of(" \t\r\n\v\f") != std::string::npos) {  // what tokens() splits on: a line of \v is blank
            entries_ = true;
            return true;
        }
    }
    if (!entries_) throw FraError(path_.string() + ": the file is empty");  // a truncated download, an unfinished export
    return false;
}

std::string AnnotationFile::where() const { return path_.string() + ":" + std::to_string(number_); }

std::vector<std::string> AnnotationFile::tokens() const {
    std::istringstream in(line_);
    std::vector<std::string> out;
    for (std::string t; in >> t;) out.push_back(t);
    return out;
}

std::vector<std::string> AnnotationFile::fields(char separator) {
    const int first = number_;
    bool complete = false;
    std::vector<std::string> out = splitCsvRecord(line_, separator, complete);
    for (std::string more; !complete;) {
        if (!std::getline(in_, more)) throw FraError(path_.string() + ":" + std::to_string(first) + ": a quoted field is not closed");
        ++number_;
        line_ += crlf_ ? "\r\n" : "\n";
        crlf_ = !more.empty() && more.back() == '\r';
        if (crlf_) more.pop_back();
        line_ += more;
        out = splitCsvRecord(line_, separator, complete);
    }
    return out;
}

void AnnotationFile::fail(const std::string& message) const { throw FraError(where() + ": " + message); }

int AnnotationFile::integer(const std::string& token, const std::string& what) const {
    std::size_t used = 0;
    int v = 0;
    try {
        v = std::stoi(token, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != token.size()) fail("expected an integer " + what + ", got '" + token + "'");
    return v;
}

double AnnotationFile::number(const std::string& token, const std::string& what) const {
    std::size_t used = 0;
    double v = 0;
    try {
        v = std::stod(token, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != token.size()) fail("expected a number " + what + ", got '" + token + "'");
    return v;
}

std::vector<float> readPtsFile(const std::filesystem::path& file) {
    AnnotationFile f(file);
    int expected = -1;
    bool inside = false;
    std::vector<float> xy;
    while (f.next()) {
        const auto t = f.tokens();
        if (t.empty()) continue;
        if (t[0] == "version:") continue;
        if (t[0] == "n_points:") {
            if (t.size() != 2) f.fail("expected 'n_points: N'");
            expected = f.integer(t[1], "n_points");
            continue;
        }
        if (t[0] == "{") {
            inside = true;
            continue;
        }
        if (t[0] == "}") {
            inside = false;
            break;
        }
        if (!inside) f.fail("unexpected '" + f.line() + "' outside { }");
        if (t.size() != 2) f.fail("expected 'x y', got '" + f.line() + "'");
        xy.push_back(static_cast<float>(f.number(t[0], "x")));
        xy.push_back(static_cast<float>(f.number(t[1], "y")));
    }
    if (expected < 0) throw FraError(file.string() + ": no 'n_points:' line");
    if (inside) throw FraError(file.string() + ": missing closing '}'");
    if (static_cast<int>(xy.size()) != 2 * expected)
        throw FraError(file.string() + ": n_points is " + std::to_string(expected) + " but " + std::to_string(xy.size() / 2) +
                       " points are listed");
    return xy;
}

void writePtsFile(const std::filesystem::path& file, const std::vector<float>& xy) {
    std::ostringstream out;
    out << "version: 1\nn_points: " << xy.size() / 2 << "\n{\n";
    for (std::size_t i = 0; i + 1 < xy.size(); i += 2) out << xy[i] << ' ' << xy[i + 1] << '\n';
    out << "}\n";
    writeFileAtomically(file, out.str());
}

}  // namespace fra
