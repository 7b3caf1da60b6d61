// `fra datasets`, `fra finetune`, `fra eval` and `fra compare` as a user meets them: outputs on disk,
// reuse of finished evaluations, one-line errors that name the problem.
#include "support/Process.h"
#include "support/TempDir.h"
#include "support/TestImages.h"

#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
ProcessResult runFra(std::vector<std::string> args) {
    args.insert(args.begin(), FRA_CLI);
    return runProcess(args);
}

std::string slurp(const fs::path& file) {
    std::ifstream in(file);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::vector<std::string> kSmall = {"--set", "image_size=32", "--set", "batch_size=8", "--set", "epochs=2",
                                         "--set", "warmup_epochs=1", "--set", "head_channels=16", "--set", "threads=2",
                                         "--set", "workers=2"};

std::vector<std::string> withSmall(std::vector<std::string> args) {
    args.insert(args.end(), kSmall.begin(), kSmall.end());
    return args;
}

void expectOneLineError(const ProcessResult& r, const std::string& fragment) {
    EXPECT_NE(r.exitCode, 0);
    const auto errLines = lines(r.err);
    ASSERT_EQ(errLines.size(), 1u) << r.err;
    EXPECT_NE(errLines[0].find(fragment), std::string::npos) << r.err;
}
}  // namespace

TEST(DownstreamCli, DatasetsFinetuneAndCompareWriteTheirFiles) {
    TempDir dir;
    const std::string spec = "folder:" + testimages::writeColourClassFolders(dir / "colours", 8, 4).string();

    const ProcessResult formats = runFra({"datasets"});
    ASSERT_EQ(formats.exitCode, 0) << formats.err;
    for (const char* id : {"rafdb", "ferplus", "affectnet", "celeba", "300w", "wflw", "folder", "attributes-csv", "pts"})
        EXPECT_NE(formats.out.find(id), std::string::npos) << id << "\n" << formats.out;
    const ProcessResult described = runFra({"datasets", spec});
    ASSERT_EQ(described.exitCode, 0) << described.err;
    EXPECT_NE(described.out.find("blue"), std::string::npos) << described.out;
    EXPECT_NE(described.out.find("red"), std::string::npos) << described.out;

    const ProcessResult lp = runFra(withSmall({"finetune", "random:resnet18", "--dataset", spec, "--protocol", "lp",
                                               "--out", (dir / "evals").string(), "--quiet"}));
    ASSERT_EQ(lp.exitCode, 0) << lp.err;
    const fs::path lpDir = dir / "evals" / "random-resnet18" / "eval" / "folder-colours-lp";
    ASSERT_TRUE(fs::exists(lpDir / "result.json")) << lp.out;
    const json lpResult = json::parse(slurp(lpDir / "result.json"));
    EXPECT_EQ(lpResult["protocol"], "lp");
    EXPECT_EQ(json::parse(slurp(lpDir / "config.json"))["eval"]["epochs"], 2);
    EXPECT_EQ(lines(slurp(lpDir / "metrics.jsonl")).size(), 2u);

    // one compare over both protocols: each gets its own cpu-<protocol> recipe, the finished lp is reused
    const ProcessResult compared = runFra(withSmall({"compare", "--models", "random:resnet18", "--datasets", spec,
                                                     "--protocols", "lp", "ft", "--out", (dir / "evals").string()}));
    ASSERT_EQ(compared.exitCode, 0) << compared.err;
    EXPECT_NE(compared.err.find("reusing " + lpDir.string()), std::string::npos) << compared.err;
    const fs::path ftDir = dir / "evals" / "random-resnet18" / "eval" / "folder-colours-ft";
    ASSERT_TRUE(fs::exists(ftDir / "result.json"));
    const json ftConfig = json::parse(slurp(ftDir / "config.json"))["eval"];
    EXPECT_EQ(ftConfig["preset"], "cpu-ft");  // each protocol its own recipe
    EXPECT_EQ(ftConfig["weight_decay"], 0.05);
    EXPECT_EQ(ftConfig["epochs"], 2);
    for (const char* f : {"table.md", "table.csv", "table.json"}) EXPECT_TRUE(fs::exists(dir / "evals" / f)) << f;
    const std::string table = slurp(dir / "evals" / "table.md");
    EXPECT_NE(table.find("lp"), std::string::npos) << table;
    EXPECT_NE(table.find("ft"), std::string::npos) << table;
    EXPECT_EQ(compared.out.substr(compared.out.size() - std::min(compared.out.size(), table.size())), table);

    // collecting finished results only gives the same table
    const ProcessResult collected = runFra({"compare", "--results", lpDir.string(), ftDir.string(), "--out", (dir / "again").string()});
    ASSERT_EQ(collected.exitCode, 0) << collected.err;
    EXPECT_EQ(slurp(dir / "again" / "table.md"), table);
}

TEST(DownstreamCli, BadDatasetsAndModelsGiveOneLine) {
    TempDir dir;
    const std::string spec = "folder:" + testimages::writeColourClassFolders(dir / "colours", 8, 4).string();
    expectOneLineError(runFra({"datasets", "nosuchformat:" + (dir / "colours").string()}), "nosuchformat");
    expectOneLineError(runFra({"datasets", "folder:" + (dir / "missing").string()}), "missing");
    expectOneLineError(runFra(withSmall({"finetune", (dir / "norun").string(), "--dataset", spec})), "norun");
    expectOneLineError(runFra({"finetune", "random:resnet18", "--dataset", spec, "--set", "epochs=0"}), "epochs");
    expectOneLineError(runFra({"finetune", "random:resnet18", "--dataset", spec, "--eval-preset", "nope"}), "nope");
    expectOneLineError(runFra({"finetune", "random:resnet18", "--dataset", spec}), "give --out");
    expectOneLineError(runFra({"eval", "random:resnet18", "--dataset", spec, "--out", (dir / "t").string()}), "landmark");
    expectOneLineError(runFra({"compare", "--out", (dir / "t").string()}), "--models");
    expectOneLineError(runFra({"compare", "--results", (dir / "colours").string(), "--out", (dir / "t").string()}), "result.json");
    EXPECT_FALSE(fs::exists(dir / "t"));
    EXPECT_FALSE(fs::exists(dir / "colours" / "eval"));
}
