#include "util/RunColours.h"

#include "heatmap/HeatmapRenderer.h"
#include "util/Theme.h"

#include <QHash>
#include <QSet>
#include <cmath>

namespace fraui {

namespace {
// Tableau's first four, then eight chosen for CIEDE2000 >= 18 between any two of the twelve;
// relative luminance 0.15-0.30: a contrast of 3:1 or more on white, 2.6:1 or more on #2b2b2b.
const QColor kRunPalette[] = {QColor(31, 119, 180), QColor(224, 112, 0),  QColor(44, 160, 44),   QColor(214, 39, 40),
                              QColor(238, 68, 255), QColor(153, 85, 136), QColor(0, 136, 119),   QColor(170, 136, 17),
                              QColor(255, 68, 136), QColor(119, 68, 255), QColor(136, 136, 221), QColor(102, 119, 0)};
constexpr int kPaletteSize = static_cast<int>(sizeof kRunPalette / sizeof kRunPalette[0]);

QColor slotColour(int slot) {
    if (slot < kPaletteSize) return kRunPalette[slot];
    // beyond the palette: golden-ratio hues, their value set for a luminance within the palette's
    const double hue = std::fmod(slot * 0.618033988749895, 1.0);
    double saturation = 0.8, value = 1.0;
    while (value > 0.3 && relativeLuminance(QColor::fromHsvF(hue, saturation, value)) > 0.28) value -= 0.02;
    while (saturation > 0.2 && relativeLuminance(QColor::fromHsvF(hue, saturation, value)) < 0.17) saturation -= 0.04;  // blues
    return QColor::fromHsvF(hue, saturation, value).toRgb();
}

QHash<QString, int>& colourSlots() {
    static QHash<QString, int> assigned;
    return assigned;
}
}  // namespace

QColor runColour(const QString& runId) {
    QHash<QString, int>& assigned = colourSlots();
    const auto it = assigned.constFind(runId);
    if (it != assigned.constEnd()) return slotColour(*it);
    QSet<int> taken;
    for (int slot : std::as_const(assigned)) taken.insert(slot);
    int slot = 0;
    while (taken.contains(slot)) ++slot;
    assigned.insert(runId, slot);
    return slotColour(slot);
}

void releaseRunColour(const QString& runId) { colourSlots().remove(runId); }

QColor regionColour(int region, int regions) {
    const auto c = fra::HeatmapRenderer::palette(regions)[region];
    return QColor(c[0], c[1], c[2]);
}

}  // namespace fraui
