// The sync bar's "Review" element: where the plan's pull request on GitHub stands (none yet,
// open with its reviews and approvals, merged, closed) with a link to it, and "Propose for
// review", which sends the plan to the team's repository and opens the pull request (or updates
// the open one) — what `tpcli plan propose` does. Hidden when the plan is not set up for GitHub.
import { Anchor, Badge, Button, Group, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";

import { ErrorAlert } from "../ErrorAlert";
import { useClient } from "../data";
import type { ReviewDto } from "../ipc";
import { useOpenPlan } from "./hooks";

const reviewKey = (plan: string | null) => ["review", plan] as const;

function approvalsText(reviews: number, approvals: number): string {
  if (reviews === 0) return "no reviews yet";
  const people = approvals === 1 ? "1 approval" : `${approvals} approvals`;
  return `${people} of ${reviews} ${reviews === 1 ? "review" : "reviews"}`;
}

/** A badge saying where the pull request stands, its link, and what else there is to say. */
function PullRequest({
  review,
  color,
  label,
  children,
}: {
  review: { url: string; number: number };
  color: string;
  label: string;
  children?: ReactNode;
}) {
  return (
    <Group gap={6} wrap="nowrap">
      <Badge color={color} variant="light">
        {label}
      </Badge>
      <Anchor size="sm" href={review.url} target="_blank" rel="noreferrer">
        Pull request #{review.number}
      </Anchor>
      {children}
    </Group>
  );
}

function ReviewState({ review }: { review: ReviewDto }) {
  switch (review.kind) {
    case "none":
      return <Text size="sm">Not proposed for review yet</Text>;
    case "open":
      return (
        <PullRequest review={review} color="blue" label="In review">
          <Text size="sm" data-testid="review-approvals">
            {approvalsText(review.reviews, review.approvals)}
          </Text>
        </PullRequest>
      );
    case "merged":
      return <PullRequest review={review} color="green" label="Approved and merged" />;
    case "closed":
      return <PullRequest review={review} color="gray" label="Closed without merging" />;
    case "unavailable":
      return (
        <Text size="sm" c="dimmed">
          Review state unknown: {review.message}
        </Text>
      );
    default:
      return null;
  }
}

export function Review({ busy = false }: { busy?: boolean }) {
  const client = useClient();
  const plan = useOpenPlan();
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: reviewKey(plan), queryFn: () => client.reviewStatus(), enabled: plan !== null });
  const propose = useMutation({
    mutationFn: () => client.reviewPropose(),
    onSuccess: (result) => queryClient.setQueryData(reviewKey(plan), result.review),
  });
  const review = status.data;
  if (!review || review.kind === "notConfigured") return null;
  const proposed = review.kind === "open";
  return (
    <Group gap="sm" data-testid="review" data-state={review.kind}>
      <Text size="sm" fw={600}>
        Review
      </Text>
      <ReviewState review={review} />
      <Button size="xs" variant="default" loading={propose.isPending} disabled={busy} onClick={() => propose.mutate()}>
        {proposed ? "Update the review" : "Propose for review"}
      </Button>
      {propose.data && (
        <Text size="sm" data-testid="review-message">
          {propose.data.message}
        </Text>
      )}
      <ErrorAlert error={propose.error} title="The plan could not be proposed for review" />
    </Group>
  );
}
