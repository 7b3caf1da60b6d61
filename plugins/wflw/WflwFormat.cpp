// WFLW: WFLW_annotations/list_98pt_rect_attr_train_test/list_98pt_rect_attr_{train,test}.txt,
// one face per line: 196 coordinates, the box (x_min y_min x_max y_max), 6 attribute flags
// (pose, expression, illumination, make-up, occlusion, blur) and the image path under
// WFLW_images/. The attribute flags become the sample's subset ("pose,blur").
#include "downstream/AnnotationFile.h"
#include "downstream/DatasetBuilder.h"
#include "downstream/DatasetFormat.h"
#include "util/FraError.h"

namespace fs = std::filesystem;

namespace {

class WflwFormat : public fra::DatasetFormat {
public:
    std::string id() const override { return "wflw"; }
    std::string description() const override { return "WFLW, 98 landmarks with attribute subsets"; }
    fra::TaskKind task() const override { return fra::TaskKind::Landmarks; }
    bool recognises(const fs::path& root) const override { return fs::is_directory(root / "WFLW_annotations"); }

    fra::DownstreamDataset load(const fs::path& root) const override {
        fra::DownstreamDataset d;
        d.task = task();
        d.landmarkCount = 98;
        d.outerEyeCorners = {60, 72};
        d.eyes = {{60, 61, 62, 63, 64, 65, 66, 67}, {68, 69, 70, 71, 72, 73, 74, 75}};
        fra::DatasetBuilder builder(d);
        static const char* attributeNames[] = {"pose", "expression", "illumination", "make-up", "occlusion", "blur"};
        for (const std::string split : {"train", "test"}) {
            fra::AnnotationFile f(root / "WFLW_annotations" / "list_98pt_rect_attr_train_test" / ("list_98pt_rect_attr_" + split + ".txt"));
            while (f.next()) {
                const auto t = f.tokens();
                if (t.size() != 207) f.fail("expected 207 fields (196 coordinates, 4 box, 6 attributes, image), got " + std::to_string(t.size()));
                fra::DownstreamSample s;
                for (int i = 0; i < 196; ++i) s.landmarks.push_back(static_cast<float>(f.number(t[i], "coordinate")));
                const float x0 = static_cast<float>(f.number(t[196], "box")), y0 = static_cast<float>(f.number(t[197], "box"));
                const float x1 = static_cast<float>(f.number(t[198], "box")), y1 = static_cast<float>(f.number(t[199], "box"));
                if (x1 <= x0 || y1 <= y0) f.fail("empty face box");
                s.box = fra::FaceBox{x0, y0, x1 - x0, y1 - y0};
                for (int a = 0; a < 6; ++a) {
                    const int flag = f.integer(t[200 + a], "attribute flag");
                    if (flag != 0 && flag != 1) f.fail("attribute flag " + t[200 + a] + " is not 0 or 1");
                    if (flag) s.subset += (s.subset.empty() ? "" : ",") + std::string(attributeNames[a]);
                }
                s.image = (root / "WFLW_images" / t[206]).string();
                s.where = f.where();
                builder.add(split, std::move(s));
            }
        }
        return d;
    }
};

}  // namespace

FRA_DATASET_PLUGIN(WflwFormat)
