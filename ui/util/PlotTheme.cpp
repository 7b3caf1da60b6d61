#include "util/PlotTheme.h"

#include "util/Theme.h"

#include <qcustomplot.h>

namespace fraui {

void applyPalette(QCustomPlot* plot, const QPalette& palette) {
    const QColor base = palette.color(QPalette::Base), text = palette.color(QPalette::Text);
    const QColor axis = mix(base, text, 0.7), grid = mix(base, text, 0.18), zero = mix(base, text, 0.35);
    plot->setBackground(base);
    for (QCPAxisRect* rect : plot->axisRects()) {
        rect->setBackground(base);
        for (QCPAxis* a : rect->axes()) {
            a->setBasePen(QPen(axis, 1));
            a->setTickPen(QPen(axis, 1));
            a->setSubTickPen(QPen(axis, 1));
            a->setTickLabelColor(text);
            a->setLabelColor(text);
            a->grid()->setPen(QPen(grid, 1, Qt::DotLine));
            a->grid()->setSubGridPen(QPen(grid, 1, Qt::DotLine));
            a->grid()->setZeroLinePen(QPen(zero, 1));
        }
    }
    plot->legend->setBrush(base);
    plot->legend->setBorderPen(QPen(mix(base, text, 0.4), 1));
    plot->legend->setTextColor(text);
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
        if (auto* title = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i))) title->setTextColor(text);
}

void followPalette(QCustomPlot* plot, std::function<void(const QPalette&)> extra) {
    auto restyle = [plot, extra] {
        applyPalette(plot, plot->palette());
        if (extra) extra(plot->palette());
    };
    restyle();
    onPaletteChange(plot, [plot, restyle] {
        restyle();
        plot->replot(QCustomPlot::rpQueuedReplot);
    });
}

}  // namespace fraui
