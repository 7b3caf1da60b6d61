#include "util/RunColours.h"

#include "heatmap/HeatmapRenderer.h"

#include <QCryptographicHash>

namespace fraui {

QColor runColour(const QString& runName) {
    static const QColor palette[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),  QColor(214, 39, 40),
                                     QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194), QColor(127, 127, 127),
                                     QColor(188, 189, 34), QColor(23, 190, 207)};
    const QByteArray hash = QCryptographicHash::hash(runName.toUtf8(), QCryptographicHash::Md5);
    return palette[static_cast<unsigned char>(hash[0]) % (sizeof palette / sizeof palette[0])];
}

QColor regionColour(int region, int regions) {
    const auto c = fra::HeatmapRenderer::palette(regions)[region];
    return QColor(c[0], c[1], c[2]);
}

}  // namespace fraui
