/* Lease churn over a sliding window; see lease-churn.h. */
#include "lease-churn.h"

/* mountstats prints the age in whole seconds of jiffies, and the sample's
 * clock is read a moment after the file: allow a few seconds of rounding
 * between the age and the time passed. */
#define AGE_SLACK_S 3

/* Whether now can follow prev on the same mount and client. */
static bool continues(const struct churn_sample *prev, const struct churn_sample *now)
{
	uint64_t expect;

	if (now->at_ns < prev->at_ns || now->establish < prev->establish || now->destroy < prev->destroy)
		return false;
	if (prev->age_s == CHURN_AGE_UNKNOWN || now->age_s == CHURN_AGE_UNKNOWN)
		return true;
	expect = prev->age_s + (now->at_ns - prev->at_ns) / NSEC_PER_SEC;
	return now->age_s + AGE_SLACK_S >= expect && now->age_s <= expect + AGE_SLACK_S;
}

void churn_observe(struct churn_window *w, const struct churn_sample *now, unsigned threshold,
		   struct churn_verdict *ret)
{
	const struct churn_sample *base = NULL;

	*ret = (struct churn_verdict){};
	if (now->at_ns == 0)
		return;
	if (w->recent.at_ns && !continues(&w->recent, now))
		*w = (struct churn_window){};
	if (w->old.at_ns && now->at_ns - w->old.at_ns <= CHURN_WINDOW_NS)
		base = &w->old;
	else if (w->recent.at_ns)
		base = &w->recent;

	if (base && threshold > 0 && now->at_ns > base->at_ns) {
		ret->known = true;
		ret->establish = now->establish - base->establish;
		ret->destroy = now->destroy - base->destroy;
		ret->period_ns = now->at_ns - base->at_ns;
		if (ret->period_ns <= CHURN_WINDOW_NS)
			ret->churn = ret->establish >= threshold;
		else /* the same rate: threshold per window, on average */
			ret->churn = (double)ret->establish * (double)CHURN_WINDOW_NS >=
				     (double)threshold * (double)ret->period_ns;
	}

	if (!w->recent.at_ns)
		w->recent = *now;
	else if (now->at_ns - w->recent.at_ns >= CHURN_WINDOW_NS / 2) {
		w->old = w->recent;
		w->recent = *now;
	}
}
