#include "downstream/RegionTracking.h"

#include "util/FraError.h"

#include <algorithm>
#include <cmath>

namespace fra {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

std::pair<double, double> FaceTransform::apply(double x, double y) const {
    const double a = degrees * kPi / 180.0, c = std::cos(a), s = std::sin(a);
    const double u = x - 0.5, v = y - 0.5;
    return {0.5 + scale * (c * u - s * v) + dx, 0.5 + scale * (s * u + c * v) + dy};
}

const std::vector<FaceTransform>& trackingTransforms() {
    static const std::vector<FaceTransform> all = {
        {"shift x -0.08", "shift", -0.08, 0, 1, 0}, {"shift x +0.08", "shift", 0.08, 0, 1, 0},
        {"shift y -0.08", "shift", 0, -0.08, 1, 0}, {"shift y +0.08", "shift", 0, 0.08, 1, 0},
        {"scale 0.9", "scale", 0, 0, 0.9, 0},       {"scale 1.1", "scale", 0, 0, 1.1, 0},
        {"rotate -10", "rotation", 0, 0, 1, -10},   {"rotate +10", "rotation", 0, 0, 1, 10},
    };
    return all;
}

namespace {
// Every output pixel of a w x h grid, bilinear from where the inverse transform takes its centre
// (edge pixels repeated): sample(x0, y0, x1, y1, fx, fy, outputIndex) does the blending.
template <typename Sample>
void forEachInverseSample(int w, int h, const FaceTransform& t, Sample&& sample) {
    const double a = -t.degrees * kPi / 180.0, c = std::cos(a), s = std::sin(a);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double u = ((x + 0.5) / w - 0.5 - t.dx) / t.scale, v = ((y + 0.5) / h - 0.5 - t.dy) / t.scale;
            const double sx = std::clamp((0.5 + c * u - s * v) * w - 0.5, 0.0, w - 1.0);
            const double sy = std::clamp((0.5 + s * u + c * v) * h - 0.5, 0.0, h - 1.0);
            const int x0 = static_cast<int>(sx), y0 = static_cast<int>(sy);
            sample(x0, y0, std::min(x0 + 1, w - 1), std::min(y0 + 1, h - 1), sx - x0, sy - y0, static_cast<std::size_t>(y) * w + x);
        }
}
}  // namespace

jpeg::RgbImage transformFace(const jpeg::RgbImage& face, const FaceTransform& t) {
    const int w = face.width, h = face.height;
    if (w < 1 || h < 1 || face.pixels.size() != 3u * w * h) throw FraError("transformFace: an empty or inconsistent image");
    jpeg::RgbImage out{w, h, std::vector<std::uint8_t>(face.pixels.size())};
    forEachInverseSample(w, h, t, [&](int x0, int y0, int x1, int y1, double fx, double fy, std::size_t index) {
        for (int ch = 0; ch < 3; ++ch) {
            const auto at = [&](int px, int py) { return static_cast<double>(face.pixels[3u * (py * w + px) + ch]); };
            const double value = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x1, y0)) + fy * ((1 - fx) * at(x0, y1) + fx * at(x1, y1));
            out.pixels[3u * index + ch] = static_cast<std::uint8_t>(std::clamp(std::lround(value), 0L, 255L));
        }
    });
    return out;
}

bool hasLandmark(const std::vector<float>& landmarks) {
    for (std::size_t j = 0; j + 1 < landmarks.size(); j += 2)
        if (std::isfinite(landmarks[j]) && std::isfinite(landmarks[j + 1])) return true;
    return false;
}

std::vector<float> transformMap(const float* map, int h, int w, const FaceTransform& t) {
    std::vector<float> out(static_cast<std::size_t>(h) * w);
    forEachInverseSample(w, h, t, [&](int x0, int y0, int x1, int y1, double fx, double fy, std::size_t index) {
        const auto at = [&](int px, int py) { return static_cast<double>(map[static_cast<std::size_t>(py) * w + px]); };
        out[index] = static_cast<float>((1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x1, y0)) + fy * ((1 - fx) * at(x0, y1) + fx * at(x1, y1)));
    });
    return out;
}

void MapFollowing::add(const float* original, const float* transformed, int regions, int h, int w, const FaceTransform& t) {
    const std::size_t cells = static_cast<std::size_t>(h) * w;
    auto& [observedOnPredicted, predictedSquared] = sums[t.kind];
    for (int k = 0; k < regions; ++k) {
        const float* before = original + k * cells;
        const float* after = transformed + k * cells;
        const std::vector<float> moved = transformMap(before, h, w, t);
        for (std::size_t i = 0; i < cells; ++i) {
            const double predicted = static_cast<double>(moved[i]) - before[i], observed = static_cast<double>(after[i]) - before[i];
            observedOnPredicted += observed * predicted;
            predictedSquared += predicted * predicted;
        }
    }
}

double MapFollowing::ratio(const std::string& kind) const {
    double num = 0, den = 0;
    for (const auto& [k, s] : sums)
        if (kind.empty() || k == kind) {
            num += s.first;
            den += s.second;
        }
    return den > 0 ? num / den : std::nan("");
}

RegionTrackingScore regionTrackingScore(const std::vector<std::vector<std::vector<float>>>& centroids,
                                        const std::vector<std::vector<float>>& landmarks, const std::vector<FaceTransform>& transforms,
                                        int mapSide, int nearest) {
    if (centroids.size() != landmarks.size()) throw FraError("region tracking: centroids and landmarks of different faces");
    RegionTrackingScore score;
    std::map<std::string, double> counted;
    std::vector<double> regionCount;
    double total = 0;
    for (std::size_t f = 0; f < centroids.size(); ++f) {
        const auto& views = centroids[f];
        if (views.size() != transforms.size() + 1) throw FraError("region tracking: a face without every transformed view");
        std::vector<std::pair<double, double>> points;
        for (std::size_t j = 0; j + 1 < landmarks[f].size(); j += 2)
            if (std::isfinite(landmarks[f][j]) && std::isfinite(landmarks[f][j + 1])) points.emplace_back(landmarks[f][j], landmarks[f][j + 1]);
        if (points.empty()) continue;
        const std::size_t regions = views[0].size() / 2;
        if (score.errorByRegion.empty()) {
            score.errorByRegion.assign(regions, 0.0);
            regionCount.assign(regions, 0.0);
        }
        if (regions != score.errorByRegion.size()) throw FraError("region tracking: faces with different region counts");
        ++score.faces;
        for (std::size_t k = 0; k < regions; ++k) {
            const double cx = views[0][2 * k], cy = views[0][2 * k + 1];
            std::vector<std::pair<double, std::size_t>> byDistance;
            for (std::size_t j = 0; j < points.size(); ++j)
                byDistance.emplace_back(std::hypot(points[j].first - cx, points[j].second - cy), j);
            const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(std::max(nearest, 1)), byDistance.size());
            std::partial_sort(byDistance.begin(), byDistance.begin() + static_cast<std::ptrdiff_t>(n), byDistance.end());
            for (std::size_t t = 0; t < transforms.size(); ++t) {
                double mx = 0, my = 0;  // the nearest landmarks' mean displacement
                for (std::size_t i = 0; i < n; ++i) {
                    const auto& p = points[byDistance[i].second];
                    const auto moved = transforms[t].apply(p.first, p.second);
                    mx += (moved.first - p.first) / n;
                    my += (moved.second - p.second) / n;
                }
                const double rx = views[1 + t][2 * k] - cx, ry = views[1 + t][2 * k + 1] - cy;
                const double error = std::hypot(rx - mx, ry - my) * mapSide, fixed = std::hypot(mx, my) * mapSide;
                score.error += error;
                score.fixedPointError += fixed;
                score.errorByKind[transforms[t].kind] += error;
                score.fixedPointErrorByKind[transforms[t].kind] += fixed;
                counted[transforms[t].kind] += 1;
                score.errorByRegion[k] += error;
                regionCount[k] += 1;
                total += 1;
            }
        }
    }
    if (total == 0) return score;
    score.error /= total;
    score.fixedPointError /= total;
    for (auto& [kind, value] : score.errorByKind) value /= counted[kind];
    for (auto& [kind, value] : score.fixedPointErrorByKind) value /= counted[kind];
    for (std::size_t k = 0; k < score.errorByRegion.size(); ++k) score.errorByRegion[k] /= regionCount[k];
    return score;
}

}  // namespace fra
