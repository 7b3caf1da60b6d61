#pragma once
// Do the regions follow the face? Faces are moved by known transforms (shift, scale, in-plane
// rotation); a region that sits on a facial part moves as that part's landmarks move, a
// positional prior (a point that never moves) does not move at all.
#include "data/JpegCodec.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace fra {

// A transform of a square face crop in its [0, 1] coordinates: scaled by `scale` and rotated by
// `degrees` about the centre, then shifted by (dx, dy) (fractions of the side).
struct FaceTransform {
    std::string name;  // e.g. "shift x +0.08"
    std::string kind;  // shift | scale | rotation
    double dx = 0, dy = 0, scale = 1, degrees = 0;
    std::pair<double, double> apply(double x, double y) const;
};

// The read-out's transforms, within a face crop's augmentation range: shifts of 8 % of the side
// along x and y, scales 0.9 and 1.1, rotations of 10 degrees either way.
const std::vector<FaceTransform>& trackingTransforms();

// The face as the transform moves it (bilinear, the edge pixels repeated outside the image).
jpeg::RgbImage transformFace(const jpeg::RgbImage& face, const FaceTransform& transform);

// Whether (x, y, x, y, ...) landmarks hold at least one point with both coordinates finite: the
// faces the tracking scores count.
bool hasLandmark(const std::vector<float>& landmarks);

// A map (h x w cells) as the transform moves it: bilinear on cell centres, edge cells repeated.
std::vector<float> transformMap(const float* map, int h, int w, const FaceTransform& transform);

// Do the maps themselves move with the face, whatever their contrast? For each region the change
// the transform made to its map, M(T face) - M(face), projected on the change a map moving with the
// face would show, T(M(face)) - M(face): ratio() = sum of the projections / sum of the predicted
// changes' squares, 1 for maps that move with the face, 0 for maps pinned to the crop (a positional
// prior), the same for sharp and nearly flat maps. Centroids of nearly flat maps hardly move even
// when the maps do, which the centroid error above cannot tell from a positional prior.
struct MapFollowing {
    std::map<std::string, std::pair<double, double>> sums;  // per kind of transform: (projection, square)
    // `original` and `transformed`: the K x h x w maps of a face and of the face under `transform`
    void add(const float* original, const float* transformed, int regions, int h, int w, const FaceTransform& transform);
    double ratio(const std::string& kind = "") const;  // all kinds when empty; NaN without a predicted change
};

struct RegionTrackingScore {
    // Mean over faces, transforms and regions, in heatmap cells: how far each region's centroid
    // moved from where its nearest landmarks moved (0: it follows them), and the same for a point
    // that does not move (= how far those landmarks moved).
    double error = 0, fixedPointError = 0;
    std::map<std::string, double> errorByKind, fixedPointErrorByKind;  // shift, scale, rotation
    std::vector<double> errorByRegion;
    std::size_t faces = 0;
    MapFollowing maps;  // filled by the caller, which has the maps
};

// centroids[f][0]: the K centroids (x, y in [0, 1], 2K numbers) of face f, centroids[f][1 + t]:
// those of the face under transforms[t]; landmarks[f]: face f's landmarks (x, y in [0, 1]).
// Each region is compared with the `nearest` landmarks closest to its centroid in the untransformed
// face. Faces without finite landmarks are left out.
RegionTrackingScore regionTrackingScore(const std::vector<std::vector<std::vector<float>>>& centroids,
                                        const std::vector<std::vector<float>>& landmarks, const std::vector<FaceTransform>& transforms,
                                        int mapSide, int nearest = 3);

}  // namespace fra
