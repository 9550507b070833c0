#!/usr/bin/perl
# The perfdata items of a plugin's first line, one per line, tab
# separated: LABEL VALUE UOM WARN CRIT MIN MAX (empty fields as "-").
# Labels are unquoted ('it''s' reads it's), as graphers store them.
# Usage: perf-items.pl < OUTPUT
use strict;
use warnings;

my $first = <STDIN> // '';
chomp $first;
my (undef, $perf) = split /\|/, $first, 2;
$perf //= '';
while ($perf =~ /\G\s*('(?:[^']|'')*'|[^=\s]+)=(\S*)/gc) {
	my ($label, $rest) = ($1, $2);
	if ($label =~ /^'(.*)'$/s) {
		$label = $1;
		$label =~ s/''/'/g;
	}
	my ($v, $w, $c, $min, $max) = split /;/, $rest, -1;
	my ($num, $uom) = ($v // '') =~ /^([-0-9.]+|U)(.*)$/;
	print join("\t", $label, map { defined $_ && $_ ne '' ? $_ : '-' } ($num, $uom, $w, $c, $min, $max)), "\n";
}
