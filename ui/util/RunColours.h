#pragma once
#include <QColor>
#include <QString>

namespace fraui {

// A stable colour per run: the same run has the same colour in every plot, session and machine.
QColor runColour(const QString& runName);
// Region k of the heatmaps, as the core's renderer draws it.
QColor regionColour(int region, int regions);

}  // namespace fraui
