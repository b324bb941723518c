#!/usr/bin/env bash
# plot.sh TIMELINE.tsv STEM: draws STEM-throughput.png, STEM-latency.png and STEM-cpu.png with gnuplot.
set -euo pipefail
tsv=$1 stem=$2
command -v gnuplot >/dev/null || { echo "gnuplot missing: apt-get install -y gnuplot-nox" >&2; exit 0; }
header=$(head -1 "$tsv")
col() { echo "$header" | tr '\t' '\n' | grep -nx "$1" | cut -d: -f1; }
cpu_plots=""
for name in $(echo "$header" | tr '\t' '\n' | grep '^cpu_'); do
  cpu_plots+="'$tsv' using 1:$(col "$name") with lines lw 2 title '${name#cpu_}',"
done
gnuplot <<GP
set terminal png size 1000,420 noenhanced
set datafile separator '\t'
set key top left
set grid
set xlabel 'seconds'
set output '$stem-throughput.png'
set ylabel 'per second'
plot '$tsv' using 1:$(col delivered) every ::1 with lines lw 2 title 'delivered', '' using 1:$(col acked) every ::1 with lines lw 2 title 'acked', '' using 1:$(col connected) every ::1 with lines lw 1 title 'connections'
set output '$stem-latency.png'
set ylabel 'ms'
set logscale y
plot '$tsv' using 1:(\$$(col deliver_p99) > 0 ? \$$(col deliver_p99) : 1/0) every ::1 with lines lw 2 title 'deliver p99', '' using 1:(\$$(col deliver_p50) > 0 ? \$$(col deliver_p50) : 1/0) every ::1 with lines lw 2 title 'deliver p50', '' using 1:(\$$(col ack_p99) > 0 ? \$$(col ack_p99) : 1/0) every ::1 with lines lw 1 title 'ack p99'
unset logscale y
set output '$stem-cpu.png'
set ylabel 'CPU cores'
plot ${cpu_plots%,}
GP
echo "plots: $stem-{throughput,latency,cpu}.png"
