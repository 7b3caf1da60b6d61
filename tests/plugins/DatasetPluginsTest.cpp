// Every dataset-format plugin, loaded at run time like `fra` and the GUI load it, on small
// fixtures written in each real dataset's exact file layout.
#include "downstream/AnnotationFile.h"
#include "downstream/DatasetRegistry.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "util/FraError.h"

#include <fstream>
#include <gtest/gtest.h>

namespace fs = std::filesystem;

namespace {

const fra::DatasetRegistry& registry() {
    static const fra::DatasetRegistry r({FRA_PLUGIN_BUILD_DIR});
    return r;
}

void image(const fs::path& file, int size = 40) {
    fs::create_directories(file.parent_path());
    testimages::writeImage(file, testimages::syntheticRgb(size, size, static_cast<unsigned>(std::hash<std::string>{}(file.string()) % 1000)));
}

void text(const fs::path& file, const std::string& content) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << content;
}

std::string errorOf(const std::string& spec) {
    try {
        registry().load(spec);
    } catch (const fra::FraError& e) {
        return e.what();
    }
    return "";
}

std::string pts(int n, float offset = 0) {
    std::string s = "version: 1\nn_points: " + std::to_string(n) + "\n{\n";
    for (int i = 0; i < n; ++i) s += std::to_string(10 + i % 10 + offset) + " " + std::to_string(10 + i / 10 + offset) + "\n";
    return s + "}\n";
}

}  // namespace

TEST(DatasetPlugins, AllFormatsAreDiscovered) {
    std::set<std::string> ids;
    for (const auto* f : registry().formats()) ids.insert(f->id());
    EXPECT_EQ(ids, (std::set<std::string>{"300w", "affectnet", "attributes-csv", "celeba", "ferplus", "folder", "pts", "rafdb", "wflw"}));
    EXPECT_TRUE(registry().problems().empty());
}

TEST(DatasetPlugins, RafDb) {
    TempDir d;
    text(d / "EmoLabel/list_patition_label.txt", "train_00001.jpg 1\ntrain_00002.jpg 7\ntest_0001.jpg 4\ntest_0002.jpg 5\n");
    for (const char* n : {"train_00001", "train_00002", "test_0001"}) image(d / "Image/aligned" / (std::string(n) + "_aligned.jpg"));
    // test_0002 is missing on disk: an error naming it and its line, unless missing images are allowed
    const std::string missing = errorOf(d.path().string());
    EXPECT_NE(missing.find("test_0002_aligned.jpg"), std::string::npos) << missing;
    EXPECT_NE(missing.find("list_patition_label.txt:4"), std::string::npos) << missing;
    EXPECT_NE(missing.find("1 of 4 listed images"), std::string::npos) << missing;
    const auto ds = registry().load(d.path().string(), true);  // recognised without a format prefix
    EXPECT_EQ(ds.format, "rafdb");
    EXPECT_EQ(ds.listedImages, 4u);
    EXPECT_EQ(ds.missingImages, 1u);
    ASSERT_EQ(ds.split("train").size(), 2u);
    EXPECT_EQ(ds.split("train")[1].label, 6);  // 7 = Neutral
    EXPECT_EQ(ds.classNames[6], "Neutral");
    ASSERT_EQ(ds.split("test").size(), 1u);  // test_0002 left out, and reported
    ASSERT_FALSE(ds.warnings.empty());
    EXPECT_NE(ds.warnings[0].find("test_0002_aligned.jpg"), std::string::npos);
    EXPECT_NE(ds.warnings[0].find("list_patition_label.txt:4"), std::string::npos);
    text(d / "EmoLabel/list_patition_label.txt", "train_00001.jpg 1\ntrain_00002.jpg 9\n");
    EXPECT_NE(errorOf("rafdb:" + d.path().string()).find("list_patition_label.txt:2: label 9 is outside 1-7"), std::string::npos);
}

TEST(DatasetPlugins, FerPlusMajorityVote) {
    TempDir d;
    std::string pixels;
    for (int i = 0; i < 48 * 48; ++i) pixels += std::to_string(i % 256) + (i + 1 < 48 * 48 ? " " : "");
    text(d / "fer2013.csv", "emotion,pixels,Usage\n0," + pixels + ",Training\n3," + pixels + ",PublicTest\n4," + pixels + ",PrivateTest\n5," +
                                pixels + ",PrivateTest\n");
    text(d / "fer2013new.csv", "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF\n"
                               "Training,fer0.png,0,8,1,0,0,0,0,1,0,0\n"     // happiness 8/10
                               "PublicTest,fer1.png,4,0,0,4,0,0,0,0,2,0\n"   // no majority -> dropped
                               "PrivateTest,fer2.png,0,0,0,0,0,0,0,0,0,10\n" // NF -> dropped
                               "PrivateTest,fer3.png,0,0,0,0,0,0,0,6,4,0\n");  // contempt 6/10
    const auto ds = registry().load("ferplus:" + d.path().string());
    ASSERT_EQ(ds.split("train").size(), 1u);
    EXPECT_EQ(ds.split("train")[0].label, 1);
    ASSERT_TRUE(ds.split("train")[0].pixels);
    EXPECT_EQ(ds.split("train")[0].pixels->width, 48);
    EXPECT_EQ(ds.split("train")[0].pixels->channels, 1);
    EXPECT_EQ(ds.split("train")[0].pixels->pixels[5], 5);
    ASSERT_EQ(ds.split("test").size(), 1u);
    EXPECT_EQ(ds.split("test")[0].label, 7);
    EXPECT_EQ(ds.splits.count("val") ? ds.splits.at("val").size() : 0u, 0u);
    text(d / "fer2013new.csv", "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF\n"
                               "Training,fer0.png,0,x,1,0,0,0,0,1,0,0\n");
    EXPECT_NE(errorOf("ferplus:" + d.path().string()).find("fer2013new.csv:2: expected an integer vote count, got 'x'"), std::string::npos);
}

TEST(DatasetPlugins, AffectNetKeepsSevenClassesAndBalances) {
    TempDir d;
    const std::string header = "subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal\n";
    text(d / "training.csv", header + "1/a.jpg,2,3,30,30,1;2;3,1,0.5,0.2\n1/b.jpg,2,3,30,30,1;2,7,0,0\n1/c.jpg,0,0,40,40,,9,0,0\n");
    text(d / "validation.csv", header + "2/d.jpg,1,1,20,20,,6,0,0\n");
    for (const char* n : {"1/a.jpg", "1/b.jpg", "1/c.jpg", "2/d.jpg"}) image(d / "Manually_Annotated_Images" / n);
    const auto ds = registry().load(d.path().string());
    EXPECT_EQ(ds.format, "affectnet");
    EXPECT_TRUE(ds.balancedSampling);
    ASSERT_EQ(ds.split("train").size(), 1u);  // contempt (7) and 9 left out
    EXPECT_EQ(ds.split("train")[0].label, 1);
    ASSERT_TRUE(ds.split("train")[0].box);
    EXPECT_FLOAT_EQ(ds.split("train")[0].box->width, 30.0f);
    EXPECT_EQ(ds.split("test")[0].label, 6);
}

TEST(DatasetPlugins, CelebAWithPartition) {
    TempDir d;
    text(d / "Anno/list_attr_celeba.txt", "3\nSmiling Young\n000001.jpg 1 -1\n000002.jpg -1 -1\n000003.jpg 1 1\n");
    text(d / "Eval/list_eval_partition.txt", "000001.jpg 0\n000002.jpg 1\n000003.jpg 2\n");
    for (const char* n : {"000001.jpg", "000002.jpg", "000003.jpg"}) image(d / "img_align_celeba" / n);
    const auto ds = registry().load(d.path().string());
    EXPECT_EQ(ds.format, "celeba");
    EXPECT_EQ(ds.classNames, (std::vector<std::string>{"Smiling", "Young"}));
    EXPECT_EQ(ds.split("train")[0].attributes, (std::vector<float>{1, 0}));
    EXPECT_EQ(ds.split("val").size(), 1u);
    EXPECT_EQ(ds.split("test")[0].attributes, (std::vector<float>{1, 1}));
    text(d / "Anno/list_attr_celeba.txt", "3\nSmiling Young\n000001.jpg 1 -1\n000002.jpg -1\n");
    EXPECT_NE(errorOf("celeba:" + d.path().string()).find("list_attr_celeba.txt:4: expected 3 columns, got 2"), std::string::npos);
}

TEST(DatasetPlugins, W300SplitsAndSubsets) {
    TempDir d;
    for (const char* dir : {"lfpw/trainset", "helen/trainset", "afw", "lfpw/testset", "helen/testset", "ibug"}) {
        image(d / dir / "img1.jpg", 64);
        text(d / dir / "img1.pts", pts(68));
    }
    image(d / "ibug/nopts.jpg", 64);  // an image without its landmarks: the dataset is incomplete
    EXPECT_NE(errorOf(d.path().string()).find("nopts.pts: missing"), std::string::npos) << errorOf(d.path().string());
    fs::remove(d / "ibug/nopts.jpg");
    const auto ds = registry().load(d.path().string());
    EXPECT_EQ(ds.format, "300w");
    EXPECT_EQ(ds.split("train").size(), 3u);
    ASSERT_EQ(ds.split("test").size(), 3u);
    EXPECT_EQ(ds.split("test")[2].subset, "challenge");
    EXPECT_EQ(ds.split("test")[0].subset, "common");
    EXPECT_EQ(ds.outerEyeCorners, (std::pair<int, int>{36, 45}));
    EXPECT_EQ(ds.split("train")[0].landmarks.size(), 136u);
    text(d / "afw/img1.pts", "version: 1\nn_points: 68\n{\n1 2\n}\n");
    EXPECT_NE(errorOf("300w:" + d.path().string()).find("img1.pts: n_points is 68 but 1 points are listed"), std::string::npos);
}

TEST(DatasetPlugins, WflwLines) {
    TempDir d;
    auto line = [](const std::string& name, const std::string& attrs) {
        std::string s;
        for (int i = 0; i < 196; ++i) s += std::to_string(20 + i % 30) + ".5 ";
        return s + "10 10 60 60 " + attrs + " " + name + "\n";
    };
    const fs::path ann = d / "WFLW_annotations/list_98pt_rect_attr_train_test";
    text(ann / "list_98pt_rect_attr_train.txt", line("a/x.jpg", "0 0 0 0 0 0"));
    text(ann / "list_98pt_rect_attr_test.txt", line("a/y.jpg", "1 0 0 0 0 1"));
    image(d / "WFLW_images/a/x.jpg", 80);
    image(d / "WFLW_images/a/y.jpg", 80);
    const auto ds = registry().load(d.path().string());
    EXPECT_EQ(ds.format, "wflw");
    EXPECT_EQ(ds.landmarkCount, 98);
    EXPECT_EQ(ds.split("test")[0].subset, "pose,blur");
    EXPECT_FLOAT_EQ(ds.split("train")[0].landmarks[1], 21.5f);
    text(ann / "list_98pt_rect_attr_test.txt", "1 2 3 a/y.jpg\n");
    EXPECT_NE(errorOf("wflw:" + d.path().string()).find("list_98pt_rect_attr_test.txt:1: expected 207 fields"), std::string::npos);
}

TEST(DatasetPlugins, GenericFolderCsvAndPts) {
    TempDir d;
    image(d / "f/train/cat/p1/a.jpg");
    image(d / "f/train/dog/b.jpg");
    image(d / "f/test/cat/c.jpg");
    const auto folder = registry().load((d / "f").string());
    EXPECT_EQ(folder.format, "folder");
    EXPECT_EQ(folder.classNames, (std::vector<std::string>{"cat", "dog"}));
    EXPECT_EQ(folder.split("train")[0].group, "p1");

    text(d / "c/attributes.csv", "image,split,smile,glasses\nimg/a.jpg,train,1,0\nimg/b.jpg,test,-1,1\n");
    image(d / "c/img/a.jpg");
    image(d / "c/img/b.jpg");
    const auto csv = registry().load((d / "c").string());
    EXPECT_EQ(csv.format, "attributes-csv");
    EXPECT_EQ(csv.split("test")[0].attributes, (std::vector<float>{0, 1}));
    // as a spreadsheet or pandas exports it: a byte-order mark, CRLF, quoted fields, a comma and quotes in a path
    image(d / "c/img/b, \"2\".jpg");
    text(d / "c/attributes.csv", "\xEF\xBB\xBF\"image\",\"split\",\"smile\",\"glasses\"\r\nimg/a.jpg,train,1,0\r\n\"img/b, \"\"2\"\".jpg\",test,-1,\"1\"\r\n");
    const auto exported = registry().load((d / "c").string());
    EXPECT_EQ(exported.classNames, (std::vector<std::string>{"smile", "glasses"}));
    ASSERT_EQ(exported.split("test").size(), 1u);
    EXPECT_EQ(exported.split("test")[0].image, (d / "c/img/b, \"2\".jpg").string());
    EXPECT_EQ(exported.split("test")[0].attributes, (std::vector<float>{0, 1}));
    text(d / "c/attributes.csv", "image,split,smile\nimg/a.jpg,later,1\n");
    EXPECT_NE(errorOf((d / "c").string()).find("attributes.csv:2: split 'later' is not train, val or test"), std::string::npos);

    image(d / "p/train/person1/a.jpg", 64);
    text(d / "p/train/person1/a.pts", pts(68));
    image(d / "p/test/person2/b.jpg", 64);
    text(d / "p/test/person2/b.pts", pts(68, 1));
    const auto landmarks = registry().load((d / "p").string());  // not mistaken for a folder dataset
    EXPECT_EQ(landmarks.format, "pts");
    EXPECT_EQ(landmarks.split("test")[0].group, "person2");
    EXPECT_EQ(landmarks.outerEyeCorners, (std::pair<int, int>{36, 45}));
}

TEST(DatasetPlugins, SpecErrors) {
    TempDir d;
    EXPECT_NE(errorOf("nosuch:" + d.path().string()).find("unknown dataset format 'nosuch'"), std::string::npos);
    EXPECT_NE(errorOf(d.path().string()).find("no dataset format recognises"), std::string::npos);
    EXPECT_NE(errorOf("rafdb:" + (d / "missing").string()).find("does not exist"), std::string::npos);
}

TEST(DatasetPlugins, ModulesThatAreNotPluginsAreReportedNotLoaded) {
    TempDir d;
    text(d / "fra_dataset_broken.so", "not a shared object");
    fs::copy_file(fs::path(FRA_PLUGIN_BUILD_DIR) / "fra_dataset_rafdb.so", d / "fra_dataset_rafdb.so");
    const fra::DatasetRegistry r({d.path()});
    ASSERT_EQ(r.formats().size(), 1u);
    EXPECT_EQ(r.formats()[0]->id(), "rafdb");
    ASSERT_EQ(r.problems().size(), 1u);
    EXPECT_NE(r.problems()[0].file.find("fra_dataset_broken.so"), std::string::npos);
}

TEST(DatasetPlugins, FerPlusPixelOutOfRangeNamesFileAndLine) {
    TempDir d;
    std::string pixels = "300";
    for (int i = 1; i < 48 * 48; ++i) pixels += " 7";
    text(d / "fer2013.csv", "emotion,pixels,Usage\n0," + pixels + ",Training\n");
    text(d / "fer2013new.csv", "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF\n"
                               "Training,fer0.png,0,8,1,0,0,0,0,1,0,0\n");
    const std::string error = errorOf("ferplus:" + d.path().string());
    EXPECT_NE(error.find("fer2013.csv:2: pixel value 300 is outside 0-255"), std::string::npos) << error;
}
