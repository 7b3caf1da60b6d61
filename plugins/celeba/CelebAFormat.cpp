// CelebA attributes: list_attr_celeba.txt (count, 40 names, "000001.jpg -1 1 ..."),
// list_eval_partition.txt ("000001.jpg 0", 0/1/2 = train/val/test), images in
// img_align_celeba/. Annotation files may sit in the root or in Anno/ and Eval/.
#include "downstream/AnnotationFile.h"
#include "downstream/DatasetBuilder.h"
#include "downstream/DatasetFormat.h"
#include "util/FraError.h"

#include <unordered_map>

namespace fs = std::filesystem;

namespace {

fs::path findFile(const fs::path& root, const std::string& sub, const std::string& name) {
    return fs::exists(root / name) ? root / name : root / sub / name;
}

class CelebAFormat : public fra::DatasetFormat {
public:
    std::string id() const override { return "celeba"; }
    std::string description() const override { return "CelebA, 40 binary attributes with the official partition"; }
    fra::TaskKind task() const override { return fra::TaskKind::MultiLabel; }
    bool recognises(const fs::path& root) const override { return fs::exists(findFile(root, "Anno", "list_attr_celeba.txt")); }

    fra::DownstreamDataset load(const fs::path& root) const override {
        std::unordered_map<std::string, std::string> partition;
        {
            fra::AnnotationFile p(findFile(root, "Eval", "list_eval_partition.txt"));
            while (p.next()) {
                const auto t = p.tokens();
                if (t.size() != 2) p.fail("expected '<image> <0|1|2>'");
                const int v = p.integer(t[1], "partition");
                if (v < 0 || v > 2) p.fail("partition " + t[1] + " is not 0, 1 or 2");
                partition[t[0]] = v == 0 ? "train" : v == 1 ? "val" : "test";
            }
        }
        fra::DownstreamDataset d;
        d.task = task();
        fra::DatasetBuilder builder(d);
        fra::AnnotationFile f(findFile(root, "Anno", "list_attr_celeba.txt"));
        if (!f.next()) f.fail("empty file");
        const int count = f.integer(f.tokens()[0], "image count");
        if (!f.next()) f.fail("missing the attribute names line");
        d.classNames = f.tokens();
        int rows = 0;
        while (f.next()) {
            const auto t = f.tokens();
            if (t.size() != d.classNames.size() + 1)
                f.fail("expected " + std::to_string(d.classNames.size() + 1) + " columns, got " + std::to_string(t.size()));
            const auto it = partition.find(t[0]);
            if (it == partition.end()) f.fail("image '" + t[0] + "' is not in list_eval_partition.txt");
            fra::DownstreamSample s;
            s.image = (root / "img_align_celeba" / t[0]).string();
            for (std::size_t i = 1; i < t.size(); ++i) {
                const int v = f.integer(t[i], "attribute value");
                if (v != 1 && v != -1 && v != 0) f.fail("attribute value " + t[i] + " is not -1/1 (or 0/1)");
                s.attributes.push_back(v == 1 ? 1.0f : 0.0f);
            }
            s.where = f.where();
            builder.add(it->second, std::move(s));
            ++rows;
        }
        if (rows != count) d.warnings.push_back(f.path().string() + " announces " + std::to_string(count) + " images and lists " + std::to_string(rows));
        return d;
    }
};

}  // namespace

FRA_DATASET_PLUGIN(CelebAFormat)
