// CSV as real files have it: what the project writes reads back with Python's csv module and with
// pandas (Debian's python3-pandas, a test dependency), and files pandas and Python write (quoted
// fields, embedded quotes and line breaks, a UTF-8 byte-order mark, CRLF) read back field for field.
#include "downstream/AnnotationFile.h"
#include "support/Process.h"
#include "support/TempDir.h"
#include "util/Csv.h"
#include "util/FraError.h"

#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {

const char* kPython = "/usr/bin/python3";  // Debian's, with python3-pandas

// Values a spreadsheet or a file system can hold: separators, quotes, line breaks, spaces, UTF-8.
const std::vector<std::vector<std::string>> kRecords = {
    {"image", "split", "label"},
    {"faces/plain.jpg", "train", "1"},
    {"faces/a, b.jpg", "test", "-1"},
    {"faces/say \"cheese\".jpg", "val", "0"},
    {"two\nlines.jpg", "train", ""},
    {" padded ", "train", "CRLF\r\ninside"},
    {"Zoë/ﬁle — ü.jpg", "test", "\""},
};

std::vector<std::vector<std::string>> readWithAnnotationFile(const fs::path& file) {
    fra::AnnotationFile f(file);
    std::vector<std::vector<std::string>> out;
    while (f.next()) out.push_back(f.fields(','));
    return out;
}

nlohmann::json python(const std::string& script) {
    const ProcessResult r = runProcess({kPython, "-c", script});
    EXPECT_EQ(r.exitCode, 0) << r.err << "\n(the tests need Debian's python3-pandas: scripts/test.sh installs it)";
    return r.exitCode == 0 ? nlohmann::json::parse(r.out) : nlohmann::json();
}

}  // namespace

TEST(Csv, WhatTheProjectWritesReadsBackInPythonsCsvModuleAndPandas) {
    TempDir dir;
    std::string text;
    for (const auto& r : kRecords) text += fra::csvRecord(r);
    std::ofstream(dir / "out.csv", std::ios::binary) << text;
    EXPECT_EQ(readWithAnnotationFile(dir / "out.csv"), kRecords);

    const std::string file = (dir / "out.csv").string();
    const nlohmann::json viaCsv = python("import csv, json\nwith open('" + file + "', newline='', encoding='utf-8') as f:\n"
                                         "    print(json.dumps(list(csv.reader(f))))");
    EXPECT_EQ(viaCsv, nlohmann::json(kRecords));
    const nlohmann::json viaPandas = python("import json, pandas\nd = pandas.read_csv('" + file + "', dtype=str, keep_default_na=False)\n"
                                            "print(json.dumps([list(d.columns)] + d.values.tolist()))");
    EXPECT_EQ(viaPandas, nlohmann::json(kRecords));
}

TEST(Csv, FilesWrittenByPandasAndPythonReadBackFieldForField) {
    TempDir dir;
    const std::string records = nlohmann::json(kRecords).dump();
    // pandas as a user exports a table: a byte-order mark (utf-8-sig, what Excel wants), CRLF
    const ProcessResult pandas = runProcess(
        {kPython, "-c",
         "import json, sys, pandas\nr = json.loads(sys.argv[1])\n"
         "pandas.DataFrame(r[1:], columns=r[0]).to_csv(sys.argv[2], index=False, encoding='utf-8-sig', lineterminator='\\r\\n')",
         records, (dir / "pandas.csv").string()});
    ASSERT_EQ(pandas.exitCode, 0) << pandas.err;
    EXPECT_EQ(readWithAnnotationFile(dir / "pandas.csv"), kRecords);
    // Python's csv module quoting every field, LF line ends
    const ProcessResult quoted = runProcess({kPython, "-c",
                                             "import csv, json, sys\nr = json.loads(sys.argv[1])\n"
                                             "with open(sys.argv[2], 'w', newline='', encoding='utf-8') as f:\n"
                                             "    csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator='\\n').writerows(r)",
                                             records, (dir / "quoted.csv").string()});
    ASSERT_EQ(quoted.exitCode, 0) << quoted.err;
    EXPECT_EQ(readWithAnnotationFile(dir / "quoted.csv"), kRecords);
}

TEST(Csv, AQuoteLeftOpenNamesTheLineWhereItBegan) {
    TempDir dir;
    std::ofstream(dir / "open.csv") << "image,split\na.jpg,train\n\"b.jpg,test\nc.jpg,train\n";
    fra::AnnotationFile f(dir / "open.csv");
    ASSERT_TRUE(f.next());
    f.fields(',');
    ASSERT_TRUE(f.next());
    EXPECT_EQ(f.fields(','), (std::vector<std::string>{"a.jpg", "train"}));
    ASSERT_TRUE(f.next());
    try {
        f.fields(',');
        FAIL() << "an open quote was accepted";
    } catch (const fra::FraError& e) {
        EXPECT_NE(std::string(e.what()).find("open.csv:3: a quoted field is not closed"), std::string::npos) << e.what();
    }
}

TEST(Csv, FieldsAreQuotedOnlyWhereTheyMustBe) {
    EXPECT_EQ(fra::csvRecord({"a", "b c", "1.5"}), "a,b c,1.5\r\n");
    EXPECT_EQ(fra::csvRecord({"a,b", "say \"hi\"", "x\ny", " s"}), "\"a,b\",\"say \"\"hi\"\"\",\"x\ny\",\" s\"\r\n");
    EXPECT_EQ(fra::csvRecord({"", ""}), ",\r\n");
}
