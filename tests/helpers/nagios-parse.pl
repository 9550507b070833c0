#!/usr/bin/perl
# What a real plugin consumer makes of a plugin's output: Monitoring::Plugin
# (Debian's libmonitoring-plugin-perl) reads the exit status, the first
# line and every perfdata item, as Nagios/Icinga add-ons do.
#
# Usage: nagios-parse.pl EXIT_STATUS < OUTPUT
# Prints, one per line:
#   state WORD                 what Monitoring::Plugin calls EXIT_STATUS
#   word WORD                  the state word of the first line ("none")
#   text TEXT                  the first line before its '|'
#   items N parsed M unknown K perfdata items ('=' count), how many
#                              Monitoring::Plugin parsed, how many are U
#                              (which it does not parse)
#   perf LABEL VALUE UOM UOMOK WARN CRIT MIN MAX   (tab separated) for each
#                              parsed item; WARN and CRIT are the ranges'
#                              ends as Monitoring::Plugin::Range reads them,
#                              "-" when empty, "BAD" when it cannot
#   long LINE                  each long-output line
use strict;
use warnings;

use Monitoring::Plugin::Functions qw(%STATUS_TEXT);
use Monitoring::Plugin::Performance;
use Monitoring::Plugin::Range;

my $rc = shift // '';
my @lines = <STDIN>;
chomp @lines;
my $first = $lines[0] // '';
my ($text, $perf) = split /\|/, $first, 2;
$perf //= '';

print "state ", ($STATUS_TEXT{$rc} // 'none'), "\n";
my ($word) = $text =~ /^FSPROBE (\w+) - /;
print "word ", ($word // 'none'), "\n";
$text =~ s/\s+$//;
print "text $text\n";

my $total = () = $perf =~ /=/g;
my $unknown = () = $perf =~ /=U(?=\s|$)/g;
my @items = Monitoring::Plugin::Performance->parse_perfstring($perf);
print "items $total parsed ", scalar(@items), " unknown $unknown\n";

sub range_end {
	my ($s) = @_;
	return '-' unless defined $s && $s ne '';
	local $SIG{__WARN__} = sub { };
	my $r = Monitoring::Plugin::Range->parse_range_string($s);
	return 'BAD' unless $r;
	return $r->end_infinity ? "$s" : $r->end;
}

for my $p (@items) {
	my $uom = $p->uom // '';
	my $uom_ok = $uom =~ /^(|s|ms|us|%|B|KB|MB|TB|c)$/ ? 1 : 0;
	print join("\t", 'perf', $p->label, $p->value, $uom, $uom_ok, range_end($p->warning), range_end($p->critical),
		$p->min // '-', $p->max // '-'), "\n";
}
print "long $_\n" for @lines[1 .. $#lines];
