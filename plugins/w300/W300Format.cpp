// 300W (iBUG): images with same-stem .pts files (68 points) in lfpw/{trainset,testset},
// helen/{trainset,testset}, afw and ibug. Training: lfpw+helen trainsets and afw (3,148);
// test: lfpw+helen testsets ("common", 554) and ibug ("challenge", 135). The face box is the
// landmarks' bounding box (the crop margin is added by the evaluation pipeline).
#include "downstream/AnnotationFile.h"
#include "downstream/DatasetBuilder.h"
#include "downstream/DatasetFormat.h"
#include "util/FraError.h"
#include "data/ImageFolder.h"

#include <algorithm>

namespace fs = std::filesystem;

namespace {

class W300Format : public fra::DatasetFormat {
public:
    std::string id() const override { return "300w"; }
    std::string description() const override { return "300W, 68 landmarks (common and challenging test subsets)"; }
    fra::TaskKind task() const override { return fra::TaskKind::Landmarks; }
    bool recognises(const fs::path& root) const override {
        return fs::is_directory(root / "ibug") && fs::is_directory(root / "lfpw") && fs::is_directory(root / "helen");
    }

    fra::DownstreamDataset load(const fs::path& root) const override {
        fra::DownstreamDataset d;
        d.task = task();
        d.landmarkCount = 68;
        d.outerEyeCorners = {36, 45};
        d.eyes = {{36, 37, 38, 39, 40, 41}, {42, 43, 44, 45, 46, 47}};
        fra::DatasetBuilder builder(d);
        const struct {
            const char* dir;
            const char* split;
            const char* subset;
        } parts[] = {{"lfpw/trainset", "train", ""}, {"helen/trainset", "train", ""}, {"afw", "train", ""},
                     {"lfpw/testset", "test", "common"}, {"helen/testset", "test", "common"}, {"ibug", "test", "challenge"}};
        for (const auto& part : parts) {
            const fs::path dir = root / part.dir;
            if (!fs::is_directory(dir)) throw fra::FraError("300W folder '" + dir.string() + "' is missing");
            std::vector<fs::path> images;
            for (const auto& e : fs::directory_iterator(dir))
                if (fra::ImageFolder::isImageFile(e.path())) images.push_back(e.path());
            std::sort(images.begin(), images.end());
            for (const auto& image : images) {
                const fs::path pts = fs::path(image).replace_extension(".pts");
                if (!fs::exists(pts)) throw fra::FraError(pts.string() + ": missing (the landmarks of '" + image.filename().string() + "')");
                fra::DownstreamSample s;
                s.image = image.string();
                s.landmarks = fra::readPtsFile(pts);
                if (s.landmarks.size() != 136) throw fra::FraError(pts.string() + ": expected 68 points");
                s.subset = part.subset;
                s.where = pts.string();
                builder.add(part.split, std::move(s));
            }
        }
        return d;
    }
};

}  // namespace

FRA_DATASET_PLUGIN(W300Format)
