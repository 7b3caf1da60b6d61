// FERPlus: FER2013's fer2013.csv (emotion,pixels,Usage; 48x48 grey pixels inline) with the
// FERPlus votes of fer2013new.csv (Usage,Image name,neutral,...,contempt,unknown,NF), one row
// per FER2013 row. Label = majority vote: the most voted emotion if it has more than half of
// all votes, else (or if it is unknown/NF) the face is left out. Training/PublicTest/PrivateTest
// become train/val/test.
#include "downstream/AnnotationFile.h"
#include "downstream/DatasetBuilder.h"
#include "downstream/DatasetFormat.h"
#include "util/FraError.h"

#include <algorithm>
#include <memory>
#include <numeric>
#include <sstream>

namespace fs = std::filesystem;

namespace {

class FerPlusFormat : public fra::DatasetFormat {
public:
    std::string id() const override { return "ferplus"; }
    std::string description() const override { return "FERPlus (FER2013 images, 8 classes by majority vote)"; }
    fra::TaskKind task() const override { return fra::TaskKind::MultiClass; }
    bool recognises(const fs::path& root) const override {
        return fs::exists(root / "fer2013.csv") && fs::exists(root / "fer2013new.csv");
    }

    fra::DownstreamDataset load(const fs::path& root) const override {
        fra::DownstreamDataset d;
        d.task = task();
        d.classNames = {"neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt"};
        fra::DatasetBuilder builder(d);
        fra::AnnotationFile images(root / "fer2013.csv"), votes(root / "fer2013new.csv");
        if (!images.next() || images.fields(',')[0] != "emotion") images.fail("expected the header 'emotion,pixels,Usage'");
        if (!votes.next() || votes.fields(',').size() != 12) votes.fail("expected the FERPlus header of 12 columns");
        int dropped = 0;
        while (images.next()) {
            if (!votes.next()) images.fail("has more rows than " + votes.path().string());
            const auto img = images.fields(',');
            const auto v = votes.fields(',');
            if (img.size() != 3) images.fail("expected 3 columns, got " + std::to_string(img.size()));
            if (v.size() != 12) votes.fail("expected 12 columns, got " + std::to_string(v.size()));
            std::vector<int> counts;
            for (int i = 2; i < 12; ++i) counts.push_back(votes.integer(v[i], "vote count"));
            const int total = std::accumulate(counts.begin(), counts.end(), 0);
            const auto best = std::max_element(counts.begin(), counts.end()) - counts.begin();
            if (total == 0 || best >= 8 || counts[best] * 2 <= total) {
                ++dropped;
                continue;
            }
            auto face = std::make_shared<fra::InlineImage>();
            face->width = face->height = 48;
            std::istringstream in(img[1]);
            for (int p; in >> p;) {
                if (p < 0 || p > 255) images.fail("pixel value " + std::to_string(p) + " is outside 0-255");
                face->pixels.push_back(static_cast<std::uint8_t>(p));
            }
            if (face->pixels.size() != 48 * 48) images.fail("expected 2304 pixel values, got " + std::to_string(face->pixels.size()));
            const std::string usage = img[2];
            const std::string split = usage == "Training" ? "train" : usage == "PublicTest" ? "val" : usage == "PrivateTest" ? "test" : "";
            if (split.empty()) images.fail("unknown Usage '" + usage + "'");
            fra::DownstreamSample s;
            s.pixels = std::move(face);
            s.label = static_cast<int>(best);
            s.where = images.where();
            s.image = v[1];
            builder.add(split, std::move(s));
        }
        if (votes.next()) votes.fail("has more rows than " + images.path().string());
        d.warnings.push_back(std::to_string(dropped) + " faces without a majority emotion left out");
        return d;
    }
};

}  // namespace

FRA_DATASET_PLUGIN(FerPlusFormat)
