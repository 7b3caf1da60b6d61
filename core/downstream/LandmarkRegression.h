#pragma once
#include <functional>
#include <string>
#include <vector>

namespace fra {

// Ridge regression with a bias, the standard read-out of unsupervised landmark discovery:
// from the K heatmap centroids (2K numbers per face) to the L annotated landmarks (2L). Inputs are
// standardised on the training faces first, so the ridge penalty weighs every centroid alike
// whether its heatmap is soft (small movements) or sharp (large ones).
class LandmarkRegression {
public:
    // rows: one face each. Throws FraError on inconsistent sizes.
    void fit(const std::vector<std::vector<float>>& inputs, const std::vector<std::vector<float>>& targets, double ridge = 1e-3);
    std::vector<float> predict(const std::vector<float>& input) const;
    bool fitted() const { return !weights_.empty(); }

    // The penalties the read-outs choose from by cross-validation.
    static const std::vector<double>& ridgeGrid();

    // The penalty of `grid` with the smallest mean `error` (per face: prediction, truth) over
    // `folds`-fold cross-validation on these rows only (contiguous folds: faces of one video or
    // person stay together). The test faces never choose it.
    static double crossValidatedRidge(const std::vector<std::vector<float>>& inputs, const std::vector<std::vector<float>>& targets,
                                      const std::vector<double>& grid,
                                      const std::function<double(const std::vector<float>&, const std::vector<float>&)>& error, int folds = 5);

private:
    std::vector<double> weights_;  // (inputs + 1) x outputs, row-major, on standardised inputs
    int outputs_ = 0;
    std::vector<double> mean_, scale_;  // per input: training mean and 1 / standard deviation
};

// Centroids (x, y in [0, 1]) of K heatmaps of size h x w: the read-out's input.
std::vector<float> heatmapCentroids(const float* maps, int regions, int height, int width);

// The facial part (0 jaw, 1 brows, 2 nose, 3 eyes, 4 mouth) of each landmark of the 68-point
// (iBUG/300W) and the 98-point (WFLW) layouts; empty for any other landmark count.
std::vector<int> facialPartOfLandmarks(int landmarkCount);
const std::vector<std::string>& facialPartNames();

// How consistently each region follows one facial part. In every face a region's centroid is
// assigned the part of the landmark nearest to it; `part` is the part assigned most often and
// `share` the fraction of faces assigned it (1 = the region always sits on that part).
// `fixedShare` is the same share for a point that does not move: the region's mean centroid over
// the faces. Aligned crops put every part in roughly the same place, so a region that carries
// no information still scores `fixedShare`; only `share` above it is evidence of tracking.
struct RegionPartConsistency {
    int part = -1;
    double share = 0;
    double fixedShare = 0;
};
// centroids: per face 2K numbers (x, y in [0, 1]); landmarks: per face 2L numbers, same frame.
std::vector<RegionPartConsistency> regionPartConsistency(const std::vector<std::vector<float>>& centroids,
                                                         const std::vector<std::vector<float>>& landmarks,
                                                         const std::vector<int>& partOfLandmark);

}  // namespace fra
