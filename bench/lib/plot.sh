#!/usr/bin/env bash
# plot.sh TIMELINE.tsv STEM: draws STEM-throughput.png, STEM-latency.png and STEM-cpu.png with gnuplot.
# A chart with nothing to draw (no latency in a ramp) is skipped, not an error.
set -uo pipefail
tsv=$1 stem=$2
command -v gnuplot >/dev/null || { echo "gnuplot missing: apt-get install -y gnuplot-nox" >&2; exit 0; }
header=$(head -1 "$tsv")
col() { echo "$header" | tr '\t' '\n' | grep -nx "$1" | cut -d: -f1; }
common="set terminal png size 1000,420 noenhanced; set datafile separator '\t'; set key top left; set grid; set xlabel 'seconds'"
chart() { # NAME YLABEL SETTINGS PLOT
  gnuplot -e "$common; set output '$stem-$1.png'; set ylabel '$2'; $3; plot $4" 2>/dev/null || { rm -f "$stem-$1.png"; echo "plot $1: nothing to draw"; }
}
cpu_plots=""
for name in $(echo "$header" | tr '\t' '\n' | grep '^cpu_'); do
  cpu_plots+="'$tsv' using 1:$(col "$name") every ::1 with lines lw 2 title '${name#cpu_}',"
done
positive() { echo "(\$$(col "$1") > 0 ? \$$(col "$1") : 1/0)"; }
chart throughput 'per second' '' "'$tsv' using 1:$(col delivered) every ::1 with lines lw 2 title 'delivered', '' using 1:$(col acked) every ::1 with lines lw 2 title 'acked', '' using 1:$(col connected) every ::1 with lines lw 1 title 'connections'"
chart latency 'ms' 'set logscale y' "'$tsv' using 1:$(positive deliver_p99) every ::1 with lines lw 2 title 'deliver p99', '' using 1:$(positive deliver_p50) every ::1 with lines lw 2 title 'deliver p50', '' using 1:$(positive ack_p99) every ::1 with lines lw 1 title 'ack p99'"
chart cpu 'CPU cores' '' "${cpu_plots%,}"
echo "plots: $stem-{throughput,latency,cpu}.png"
