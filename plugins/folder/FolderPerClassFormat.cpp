// Generic classification: <root>/<split>/<class>/<image> with splits train, test and optionally
// val. Class names are the folder names (sorted), shared by all splits; a class folder may hold
// sub-folders (person, video), which become the sample's group.
#include "data/ImageFolder.h"
#include "downstream/DatasetBuilder.h"
#include "downstream/DatasetFormat.h"
#include "util/FraError.h"

#include <algorithm>
#include <set>

namespace fs = std::filesystem;

namespace {

class FolderPerClassFormat : public fra::DatasetFormat {
public:
    std::string id() const override { return "folder"; }
    std::string description() const override { return "Generic: <split>/<class>/<image> folders (train, test, val)"; }
    fra::TaskKind task() const override { return fra::TaskKind::MultiClass; }
    bool recognises(const fs::path& root) const override {
        if (!fs::is_directory(root / "train") || !fs::is_directory(root / "test")) return false;
        bool classes = false;
        for (const auto& e : fs::recursive_directory_iterator(root / "train")) {
            if (e.path().extension() == ".pts") return false;  // a landmark dataset in the pts layout
            classes = classes || e.is_directory();
        }
        return classes;
    }

    fra::DownstreamDataset load(const fs::path& root) const override {
        fra::DownstreamDataset d;
        d.task = task();
        std::set<std::string> classes;
        for (const std::string split : {"train", "val", "test"}) {
            if (!fs::is_directory(root / split)) continue;
            for (const auto& e : fs::directory_iterator(root / split))
                if (e.is_directory()) classes.insert(e.path().filename().string());
        }
        if (!fs::is_directory(root / "train") || !fs::is_directory(root / "test"))
            throw fra::FraError("folder dataset '" + root.string() + "' needs train/ and test/ sub-folders");
        if (classes.size() < 2) throw fra::FraError("folder dataset '" + root.string() + "' has fewer than 2 class folders");
        d.classNames.assign(classes.begin(), classes.end());
        fra::DatasetBuilder builder(d);
        for (const std::string split : {"train", "val", "test"}) {
            if (!fs::is_directory(root / split)) continue;
            for (std::size_t c = 0; c < d.classNames.size(); ++c) {
                const fs::path dir = root / split / d.classNames[c];
                if (!fs::is_directory(dir)) continue;
                std::vector<fs::path> images;
                for (const auto& e : fs::recursive_directory_iterator(dir))
                    if (e.is_regular_file() && fra::ImageFolder::isImageFile(e.path())) images.push_back(e.path());
                std::sort(images.begin(), images.end());
                for (const auto& image : images) {
                    fra::DownstreamSample s;
                    s.image = image.string();
                    s.label = static_cast<int>(c);
                    const fs::path rel = fs::relative(image.parent_path(), dir);
                    s.group = rel == "." ? "" : rel.begin()->string();
                    s.where = image.string();
                    builder.add(split, std::move(s));
                }
            }
        }
        return d;
    }
};

}  // namespace

FRA_DATASET_PLUGIN(FolderPerClassFormat)
