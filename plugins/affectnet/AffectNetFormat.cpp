// AffectNet-7: training.csv / validation.csv (subDirectory_filePath,face_x,face_y,face_width,
// face_height,facial_landmarks,expression,valence,arousal) over Manually_Annotated_Images/.
// Expressions 0-6 are kept (7 contempt and 8-10 none/uncertain/no-face are left out); the
// validation set is the test split (the official test set is not public). Training uses a
// class-balanced sampler, as the paper does.
#include "downstream/AnnotationFile.h"
#include "downstream/DatasetBuilder.h"
#include "downstream/DatasetFormat.h"
#include "util/FraError.h"

namespace fs = std::filesystem;

namespace {

class AffectNetFormat : public fra::DatasetFormat {
public:
    std::string id() const override { return "affectnet"; }
    std::string description() const override { return "AffectNet-7 (7 expressions, class-balanced training)"; }
    fra::TaskKind task() const override { return fra::TaskKind::MultiClass; }
    bool recognises(const fs::path& root) const override {
        return fs::exists(root / "training.csv") && fs::exists(root / "validation.csv") &&
               fs::exists(root / "Manually_Annotated_Images");
    }

    fra::DownstreamDataset load(const fs::path& root) const override {
        fra::DownstreamDataset d;
        d.task = task();
        d.classNames = {"Neutral", "Happy", "Sad", "Surprise", "Fear", "Disgust", "Anger"};
        d.balancedSampling = true;
        fra::DatasetBuilder builder(d);
        for (const auto& [file, split] : {std::pair<std::string, std::string>{"training.csv", "train"}, {"validation.csv", "test"}}) {
            fra::AnnotationFile f(root / file);
            if (!f.next() || f.fields(',')[0] != "subDirectory_filePath") f.fail("expected the AffectNet header");
            while (f.next()) {
                const auto c = f.fields(',');
                if (c.size() < 7) f.fail("expected at least 7 columns, got " + std::to_string(c.size()));
                const int expression = f.integer(c[6], "expression");
                if (expression < 0 || expression > 10) f.fail("expression " + c[6] + " is outside 0-10");
                if (expression > 6) continue;
                fra::DownstreamSample s;
                s.image = (root / "Manually_Annotated_Images" / c[0]).string();
                s.box = fra::FaceBox{static_cast<float>(f.number(c[1], "face_x")), static_cast<float>(f.number(c[2], "face_y")),
                                     static_cast<float>(f.number(c[3], "face_width")), static_cast<float>(f.number(c[4], "face_height"))};
                s.label = expression;
                s.where = f.where();
                builder.add(split, std::move(s));
            }
        }
        return d;
    }
};

}  // namespace

FRA_DATASET_PLUGIN(AffectNetFormat)
