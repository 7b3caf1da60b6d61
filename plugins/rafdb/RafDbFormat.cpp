// RAF-DB basic: EmoLabel/list_patition_label.txt ("train_00001.jpg 5", labels 1-7) and
// Image/aligned/<name>_aligned.jpg; the split is the name's prefix.
#include "downstream/AnnotationFile.h"
#include "downstream/DatasetBuilder.h"
#include "downstream/DatasetFormat.h"
#include "util/FraError.h"

namespace fs = std::filesystem;

namespace {

class RafDbFormat : public fra::DatasetFormat {
public:
    std::string id() const override { return "rafdb"; }
    std::string description() const override { return "RAF-DB basic expressions (7 classes)"; }
    fra::TaskKind task() const override { return fra::TaskKind::MultiClass; }
    bool recognises(const fs::path& root) const override { return fs::exists(root / "EmoLabel" / "list_patition_label.txt"); }

    fra::DownstreamDataset load(const fs::path& root) const override {
        fra::DownstreamDataset d;
        d.task = task();
        d.classNames = {"Surprise", "Fear", "Disgust", "Happiness", "Sadness", "Anger", "Neutral"};
        fra::DatasetBuilder builder(d);
        fra::AnnotationFile f(root / "EmoLabel" / "list_patition_label.txt");
        while (f.next()) {
            const auto t = f.tokens();
            if (t.size() != 2) f.fail("expected '<image> <label>', got '" + f.line() + "'");
            const int label = f.integer(t[1], "label");
            if (label < 1 || label > 7) f.fail("label " + t[1] + " is outside 1-7");
            const std::string split = t[0].rfind("train_", 0) == 0 ? "train" : t[0].rfind("test_", 0) == 0 ? "test" : "";
            if (split.empty()) f.fail("image name '" + t[0] + "' starts with neither train_ nor test_");
            fra::DownstreamSample s;
            const fs::path name(t[0]);
            s.image = (root / "Image" / "aligned" / (name.stem().string() + "_aligned" + name.extension().string())).string();
            s.label = label - 1;
            s.where = f.where();
            builder.add(split, std::move(s));
        }
        return d;
    }
};

}  // namespace

FRA_DATASET_PLUGIN(RafDbFormat)
