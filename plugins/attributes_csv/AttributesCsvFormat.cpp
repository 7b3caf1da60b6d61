// Generic multi-label attributes: <root>/attributes.csv with the header
// "image,split,<attribute>,<attribute>,..." (image relative to root; split train, val or test;
// values 0/1 or -1/1).
#include "downstream/AnnotationFile.h"
#include "downstream/DatasetBuilder.h"
#include "downstream/DatasetFormat.h"
#include "util/FraError.h"

namespace fs = std::filesystem;

namespace {

class AttributesCsvFormat : public fra::DatasetFormat {
public:
    std::string id() const override { return "attributes-csv"; }
    std::string description() const override { return "Generic: attributes.csv (image,split,attr...) with 0/1 or -1/1 values"; }
    fra::TaskKind task() const override { return fra::TaskKind::MultiLabel; }
    bool recognises(const fs::path& root) const override { return fs::exists(root / "attributes.csv"); }

    fra::DownstreamDataset load(const fs::path& root) const override {
        fra::DownstreamDataset d;
        d.task = task();
        fra::DatasetBuilder builder(d);
        fra::AnnotationFile f(root / "attributes.csv");
        if (!f.next()) f.fail("empty file");
        const auto header = f.fields(',');
        if (header.size() < 3 || header[0] != "image" || header[1] != "split")
            f.fail("expected the header 'image,split,<attribute>,...'");
        d.classNames.assign(header.begin() + 2, header.end());
        while (f.next()) {
            const auto c = f.fields(',');
            if (c.size() != header.size()) f.fail("expected " + std::to_string(header.size()) + " columns, got " + std::to_string(c.size()));
            if (c[1] != "train" && c[1] != "val" && c[1] != "test") f.fail("split '" + c[1] + "' is not train, val or test");
            fra::DownstreamSample s;
            s.image = (root / c[0]).string();
            for (std::size_t i = 2; i < c.size(); ++i) {
                const int v = f.integer(c[i], "attribute value");
                if (v != 0 && v != 1 && v != -1) f.fail("attribute '" + header[i] + "' has value " + c[i] + " (expected 0/1 or -1/1)");
                s.attributes.push_back(v == 1 ? 1.0f : 0.0f);
            }
            s.where = f.where();
            builder.add(c[1], std::move(s));
        }
        return d;
    }
};

}  // namespace

FRA_DATASET_PLUGIN(AttributesCsvFormat)
