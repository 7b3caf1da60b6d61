#pragma once
#include <QColor>
#include <QString>

namespace fraui {

// The colour of a run (keyed by its path) in the run browser and every plot. Runs take the colours
// of a 12-colour qualitative palette in the order they first appear, so no two of the first twelve
// runs shown share one; a run keeps its colour until it is released (it left the run browser),
// and the next new run takes the freed colour. The palette reads on light and dark backgrounds.
QColor runColour(const QString& runId);
void releaseRunColour(const QString& runId);
// Region k of the heatmaps, as the core's renderer draws it.
QColor regionColour(int region, int regions);

}  // namespace fraui
