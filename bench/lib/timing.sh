# Shared by the bench scripts: wall-clock readings, and the median and quartiles of a column of
# them.
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# The first and third quartiles (the medians of the lower and upper halves), space-separated: how
# far the middle half of a column spreads around its median.
quartiles() {
  sort -n | awk '{a[NR]=$1}
    END {
      if (NR < 2) { print a[1], a[1]; exit }
      h = int(NR / 2); o = NR - h  # each half has h values; the upper one starts after o
      lo = h % 2 ? a[(h + 1) / 2] : (a[h / 2] + a[h / 2 + 1]) / 2
      hi = h % 2 ? a[o + (h + 1) / 2] : (a[o + h / 2] + a[o + h / 2 + 1]) / 2
      print lo, hi
    }'
}
now() { date +%s.%N; }
