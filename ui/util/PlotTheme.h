#pragma once
#include <QPalette>
#include <functional>

class QCustomPlot;

namespace fraui {

// The plot's canvas, axes, tick labels, grid, legend and titles in the colours of `palette`
// (base, text and shades between them).
void applyPalette(QCustomPlot* plot, const QPalette& palette);
// applyPalette now and whenever the plot's palette changes; `extra` then recolours the plot's own
// items (reference lines, graphs), and the plot is redrawn.
void followPalette(QCustomPlot* plot, std::function<void(const QPalette&)> extra = {});

}  // namespace fraui
