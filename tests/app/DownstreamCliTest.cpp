// `fra datasets`, `fra finetune`, `fra eval` and `fra compare` as a user meets them: outputs on disk,
// reuse of finished evaluations, one-line errors that name the problem.
#include "FuzzSupport.h"
#include "support/Process.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "support/TinyConfig.h"

#include <fstream>
#include <iostream>
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

// Every evaluation keeps its per-sample outcomes (samples.csv), from which a user recomputes its
// metrics and their intervals with pandas and scipy alone.
TEST(DownstreamCli, SampleOutcomesReproduceTheReportedMetricsAndIntervals) {
    TempDir dir;
    const std::string colours = "folder:" + testimages::writeColourClassFolders(dir / "colours", 8, 12).string();
    const std::string blobs = "pts:" + testimages::writeBlobLandmarkDataset(dir / "blobs").string();
    const fs::path checker = fs::path(FRA_SOURCE_DIR) / "tests/app/check_sample_outcomes.py";
    const auto check = [&](const fs::path& evalDir, const std::string& task) {
        const ProcessResult r = runProcess({"/usr/bin/python3", checker.string(), evalDir.string(), task, "36", "45"});
        EXPECT_EQ(r.exitCode, 0) << evalDir << "\n" << r.err << r.out;
        std::cout << r.out;  // each interval beside scipy's
    };
    ASSERT_EQ(runFra(withSmall({"finetune", "random:resnet18", "--dataset", colours, "--protocol", "lp", "--out",
                                (dir / "evals").string(), "--quiet"})).exitCode, 0);
    check(dir / "evals" / "random-resnet18" / "eval" / "folder-colours-lp", "classes");
    ASSERT_EQ(runFra(withSmall({"finetune", "random:resnet18", "--dataset", blobs, "--protocol", "ft", "--out",
                                (dir / "evals").string(), "--quiet"})).exitCode, 0);
    check(dir / "evals" / "random-resnet18" / "eval" / "pts-blobs-ft", "landmarks");
}

// A series of a run's checkpoints: one evaluation each, and the metric against the pre-training step.
TEST(DownstreamCli, CheckpointSeriesEvaluatesEachKeptCheckpointOnce) {
    TempDir dir;
    testimages::writeFolder(dir / "faces", 12, 48);
    std::vector<std::string> pretrain = {"pretrain", "--data", (dir / "faces").string(), "--out", (dir / "run").string(), "--steps", "6",
                                         "--quiet", "--set", "run.checkpoint_every=2", "--set", "run.keep_checkpoints=3"};
    for (const auto& a : tinyTrainingArgs()) pretrain.push_back(a);
    ASSERT_EQ(runFra(pretrain).exitCode, 0);
    const std::string colours = "folder:" + testimages::writeColourClassFolders(dir / "colours", 6, 4).string();
    const ProcessResult series = runFra(withSmall({"finetune", (dir / "run").string(), "--dataset", colours, "--protocol", "lp",
                                                   "--checkpoints", "all", "--quiet"}));
    ASSERT_EQ(series.exitCode, 0) << series.err;
    for (const char* step : {"0000000002", "0000000004", "0000000006"})
        EXPECT_TRUE(fs::exists(dir / "run" / "eval" / ("folder-colours-lp@ckpt_" + std::string(step)) / "samples.csv")) << step;
    const auto rows = lines(slurp(dir / "run" / "eval" / "folder-colours-lp-series.csv"));
    ASSERT_EQ(rows.size(), 4u) << slurp(dir / "run" / "eval" / "folder-colours-lp-series.csv");
    EXPECT_EQ(rows[0].rfind("step,checkpoint,metric,value,low,high,interval,folder", 0), 0u);
    EXPECT_EQ(rows[1].rfind("2,ckpt_0000000002.pt,top1,", 0), 0u) << rows[1];
    EXPECT_EQ(rows[3].rfind("6,ckpt_0000000006.pt,top1,", 0), 0u) << rows[3];

    // a second series reuses what is finished; a step the run does not keep is one clear line
    const ProcessResult again = runFra(withSmall({"finetune", (dir / "run").string(), "--dataset", colours, "--protocol", "lp",
                                                  "--checkpoints", "4,6", "--quiet"}));
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_NE(again.err.find("reusing"), std::string::npos) << again.err;
    expectOneLineError(runFra(withSmall({"finetune", (dir / "run").string(), "--dataset", colours, "--checkpoints", "5"})),
                       "keeps no checkpoint of step 5 (it keeps 2, 4, 6)");
    expectOneLineError(runFra(withSmall({"finetune", (dir / "run").string(), "--dataset", colours, "--checkpoints", "x"})),
                       "'x' is not a step");
}

// The evidence script's --pack keeps what a comparison table is made from (each evaluation's
// result.json and samples.csv, the run's record) and no checkpoint; a compare over the unpacked
// folders elsewhere reuses every evaluation, the heatmap read-out included, and gives the same table.
TEST(DownstreamCli, PackedEvaluationsGiveTheSameTableWithoutTheCheckpoints) {
    TempDir dir;
    testimages::writeFolder(dir / "faces", 12, 48);
    const fs::path out = dir / "evidence";
    std::vector<std::string> pretrain = {"pretrain", "--data", (dir / "faces").string(), "--out", (out / "fra").string(), "--steps", "4", "--quiet"};
    for (const auto& a : tinyTrainingArgs()) pretrain.push_back(a);
    ASSERT_EQ(runFra(pretrain).exitCode, 0);
    const std::string blobs = "pts:" + testimages::writeBlobLandmarkDataset(dir / "blobs").string();
    const auto compare = [&](const fs::path& root, std::vector<std::string> more = {}) {
        std::vector<std::string> args = {"compare", "--models", (root / "fra").string(), "random:resnet18", "--datasets", blobs,
                                         "--protocols", "lp", "--heatmap-quality", "--out", (root / "compare").string()};
        args.insert(args.end(), more.begin(), more.end());
        return runFra(withSmall(args));
    };
    const ProcessResult first = compare(out);
    ASSERT_EQ(first.exitCode, 0) << first.err;
    ASSERT_TRUE(fs::exists(out / "fra" / "eval" / "pts-blobs-heatmap-regression" / "result.json")) << first.err;
    const std::string table = slurp(out / "compare" / "table.md");
    EXPECT_NE(table.find("heatmap-regression"), std::string::npos) << table;

    const std::string script = (fs::path(FRA_SOURCE_DIR) / "scripts" / "evidence-downstream.sh").string();
    const fs::path archive = dir / "evidence.tar.xz", elsewhere = dir / "elsewhere";
    const ProcessResult packed = runProcess({"/bin/bash", script, "--pack", out.string(), archive.string()});
    ASSERT_EQ(packed.exitCode, 0) << packed.err;
    const ProcessResult listed = runProcess({"/usr/bin/tar", "-tJf", archive.string()});
    EXPECT_EQ(listed.out.find(".pt"), std::string::npos) << listed.out;
    for (const char* kept : {"fra/run.json", "fra/eval/pts-blobs-lp/samples.csv", "fra/eval/pts-blobs-heatmap-regression/result.json",
                             "compare/random-resnet18/eval/pts-blobs-lp/samples.csv"})
        EXPECT_NE(listed.out.find(kept), std::string::npos) << kept << "\n" << listed.out;
    ASSERT_EQ(runProcess({"/bin/bash", script, "--unpack", archive.string(), elsewhere.string()}).exitCode, 0);
    ASSERT_FALSE(fs::exists(elsewhere / "fra" / "checkpoints"));

    const ProcessResult again = compare(elsewhere);
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_NE(again.err.find("reusing " + (elsewhere / "fra" / "eval" / "pts-blobs-heatmap-regression").string()), std::string::npos)
        << again.err;
    EXPECT_EQ(again.err.find("skipped"), std::string::npos) << again.err;
    EXPECT_EQ(slurp(elsewhere / "compare" / "table.md"), table);

    // every row tested against a named model; a name the table does not have is one clear line
    for (const std::string model : {"fra", "random-resnet18"}) {
        const ProcessResult against = compare(elsewhere, {"--against", model});
        ASSERT_EQ(against.exitCode, 0) << against.err;
        for (const auto& column : json::parse(slurp(elsewhere / "compare" / "table.json"))["columns"])
            if (column["protocol"] == "lp") EXPECT_EQ(column["tested_against"], model) << column;
    }
    expectOneLineError(compare(elsewhere, {"--against", "frA", "--quiet"}), "no model named 'frA' in the table (it has fra, random-resnet18)");

    // by image folder (the test faces lie in 3 folders): intervals over folders, the sign-flip test
    const ProcessResult byFolder = compare(elsewhere, {"--cluster-by", "folder", "--against", "fra"});
    ASSERT_EQ(byFolder.exitCode, 0) << byFolder.err;
    const json folderTable = json::parse(slurp(elsewhere / "compare" / "table.json"));
    EXPECT_EQ(folderTable["resampled"], "image folders");
    bool seen = false;
    for (const auto& row : folderTable["rows"]) {
        if (row["model"] != "random-resnet18") continue;
        const json& nme = row["statistics"]["pts-blobs/lp/nme"];
        EXPECT_EQ(nme["test"], "cluster sign-flip test (3 image folders, exact)") << nme;
        EXPECT_NE(nme["interval"].get<std::string>().find("over 3 image folders of 8 test samples"), std::string::npos) << nme;
        seen = true;
    }
    EXPECT_TRUE(seen) << folderTable.dump(1);
    EXPECT_NE(byFolder.out.find("By image folder"), std::string::npos) << byFolder.out;
    expectOneLineError(compare(elsewhere, {"--cluster-by", "video", "--quiet"}), "--cluster-by");
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

// Malformed datasets fail inside the format plugins. Each must reach the user as one line naming
// the file (and line) with exit code 1 — before, the plugin's exception outlived the unloaded
// module and `fra` died with SIGSEGV (exit 139).
TEST(DownstreamCli, MalformedDatasetsInsidePluginsGiveOneLineAndExitCode1) {
    TempDir dir;
    auto write = [](const fs::path& file, const std::string& text) {
        fs::create_directories(file.parent_path());
        std::ofstream(file) << text;
    };
    write(dir / "raf" / "EmoLabel" / "list_patition_label.txt", "train_00001.jpg 5\ntrain_00002.jpg five\n");
    write(dir / "celeba" / "Anno" / "list_attr_celeba.txt", "2\nSmiling Male\n000001.jpg 1 -1\n000002.jpg 1\n");
    write(dir / "celeba" / "Eval" / "list_eval_partition.txt", "000001.jpg 0\n000002.jpg 2\n");
    write(dir / "pts" / "train" / "p" / "a.pts", "version: 1\nn_points: 68\n{\n1 2\n3 4\n}\n");
    testimages::writeImage(dir / "pts" / "train" / "p" / "a.png", cv::Mat(40, 40, CV_8UC3, cv::Scalar(90, 90, 90)));
    fs::create_directories(dir / "pts" / "test");
    write(dir / "binary" / "EmoLabel" / "list_patition_label.txt", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    const struct {
        std::string spec, fragment;
    } cases[] = {
        {"rafdb:" + (dir / "raf").string(), "list_patition_label.txt:2"},
        {"celeba:" + (dir / "celeba").string(), "list_attr_celeba.txt:4"},
        {"pts:" + (dir / "pts").string(), "a.pts"},
        {"rafdb:" + (dir / "celeba").string(), "list_patition_label.txt"},  // a folder of another format
        {"celeba:" + (dir / "raf").string(), "list_eval_partition.txt"},  // the first file it reads
        {"rafdb:" + (dir / "binary").string(), "list_patition_label.txt:1"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.spec);
        const ProcessResult r = runFra({"datasets", c.spec});
        EXPECT_EQ(r.exitCode, 1) << r.err;  // not a crash
        expectOneLineError(r, c.fragment);
        const ProcessResult ft = runFra(withSmall({"finetune", "random:resnet18", "--dataset", c.spec, "--out", (dir / "o").string()}));
        EXPECT_EQ(ft.exitCode, 1) << ft.err;
        expectOneLineError(ft, c.fragment);
    }
    const ProcessResult ev = runFra({"eval", "random:resnet18", "--dataset", cases[2].spec, "--out", (dir / "o").string()});
    EXPECT_EQ(ev.exitCode, 1) << ev.err;
    expectOneLineError(ev, cases[2].fragment);  // the dataset fails before the model is looked at
    const ProcessResult cmp = runFra(withSmall({"compare", "--models", "random:resnet18", "--datasets", cases[0].spec, "--out",
                                                (dir / "c").string()}));
    EXPECT_EQ(cmp.exitCode, 1) << cmp.err;
    expectOneLineError(cmp, cases[0].fragment);
}

namespace {
// A valid small tree of each shipped format: the fuzz seeds (tests/fuzz/seeds/dataset_<id>/valid.tree).
void materialiseSeed(const std::string& id, const fs::path& root) {
    std::string underscore = id;
    for (auto& c : underscore) c = c == '-' ? '_' : c;
    const std::string tree = slurp(fs::path(FRA_SOURCE_DIR) / "tests/fuzz/seeds" / ("dataset_" + underscore) / "valid.tree");
    ASSERT_FALSE(tree.empty()) << id;
    fuzz::materialiseTree(tree, root);  // the fuzz targets' own reading of a tree
}

std::size_t lineCount(const fs::path& file) { return lines(slurp(file)).size(); }
}  // namespace

// For every shipped format with annotation files: a row with the wrong number of fields, a
// non-numeric value, an empty file, a binary file, the file missing, and a listed image missing on
// disk each give one line naming the file (and line) and exit code 1 from `fra datasets`; the
// valid tree is accepted. `fra finetune`, `fra eval` and `fra compare` share this path (above).
TEST(DownstreamCli, EveryFormatsMalformedAnnotationsNameFileAndLine) {
    std::string wflwNonNumeric = "x";  // 196 coordinates, the first not a number, box, 6 flags, image
    for (int i = 1; i < 196; ++i) wflwNonNumeric += " 10";
    wflwNonNumeric += " 1 1 2 2 0 0 0 0 0 0 x.jpg";
    const struct {
        std::string id, file, wrongFields, nonNumeric, image;  // image: one listed in `file`
    } formats[] = {
        {"rafdb", "EmoLabel/list_patition_label.txt", "train_00003.jpg 1 2", "train_00003.jpg x", "Image/aligned/train_00002_aligned.jpg"},
        {"ferplus", "fer2013new.csv", "Training,fer9.png,1,2", "Training,fer9.png,a,0,0,0,0,0,0,0,0,0", ""},
        {"affectnet", "training.csv", "1/z.jpg,1,2", "1/z.jpg,a,1,1,1,,1,0,0", "Manually_Annotated_Images/1/a.jpg"},
        {"celeba", "list_attr_celeba.txt", "000003.jpg 1", "000003.jpg 1 x 1", "img_align_celeba/000002.jpg"},
        {"300w", "lfpw/trainset/a.pts", "", "", ""},
        {"wflw", "WFLW_annotations/list_98pt_rect_attr_train_test/list_98pt_rect_attr_train.txt", "1 2 3 4 5 x.jpg", wflwNonNumeric,
         "WFLW_images/1--a/a.jpg"},
        {"attributes-csv", "attributes.csv", "img/d.jpg,train,1", "img/d.jpg,train,x,0", "img/b.jpg"},
        {"pts", "train/p1/a.pts", "", "", ""},
    };
    for (const auto& f : formats) {
        SCOPED_TRACE(f.id);
        TempDir dir;
        const fs::path root = dir / f.id;
        const std::string spec = f.id + ":" + root.string();
        auto fresh = [&] {
            fs::remove_all(root);
            materialiseSeed(f.id, root);
        };
        auto expectError = [&](const std::string& what, const std::string& fragment) {
            SCOPED_TRACE(what);
            const ProcessResult r = runFra({"datasets", spec});
            EXPECT_EQ(r.exitCode, 1) << r.err;
            expectOneLineError(r, fragment);
        };
        fresh();
        const ProcessResult valid = runFra({"datasets", spec});
        EXPECT_EQ(valid.exitCode, 0) << valid.err;
        const fs::path file = root / f.file;
        const std::string name = fs::path(f.file).filename().string();
        const bool pts = fs::path(f.file).extension() == ".pts";
        const std::string wrongFields = pts ? "version: 1\nn_points: 68\n{\n1 2 3\n}\n" : slurp(file) + f.wrongFields + "\n";
        const std::string nonNumeric = pts ? "version: 1\nn_points: 68\n{\n1 x\n}\n" : slurp(file) + f.nonNumeric + "\n";
        const std::string badLine = pts ? name + ":4" : name + ":" + std::to_string(lineCount(file) + 1);
        std::ofstream(file) << wrongFields;
        expectError("wrong number of fields", badLine);
        std::ofstream(file) << nonNumeric;
        expectError("non-numeric value", badLine);
        std::ofstream(file) << "";
        expectError("empty file", name);
        std::ofstream(file, std::ios::binary) << std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe", 18);
        expectError("binary file", name);
        fs::remove(file);
        expectError("missing file", name);
        if (!f.image.empty()) {
            fresh();
            fs::remove(root / f.image);
            expectError("missing image", fs::path(f.image).filename().string());
            const ProcessResult allowed = runFra({"datasets", spec, "--allow-missing-images"});
            EXPECT_EQ(allowed.exitCode, 0) << allowed.err;
            EXPECT_NE(allowed.err.find("is missing; left out"), std::string::npos) << allowed.err;
        }
    }
    // a folder of another format, for each format (the celeba tree: every other format's files are absent)
    TempDir dir;
    materialiseSeed("celeba", dir / "celeba");
    for (const std::string id : {"rafdb", "ferplus", "affectnet", "300w", "wflw", "folder", "attributes-csv", "pts"}) {
        SCOPED_TRACE(id + " on a CelebA folder");
        const ProcessResult r = runFra({"datasets", id + ":" + (dir / "celeba").string()});
        EXPECT_EQ(r.exitCode, 1) << r.err;
        expectOneLineError(r, (dir / "celeba").filename().string());
    }
}
