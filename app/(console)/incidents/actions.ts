"use server";

import { withAction } from "@/lib/http/action";
import {
  acknowledgeIncident,
  acknowledgeIncidentSchema,
  endSilence,
  endSilenceSchema,
  silenceInputSchema,
  silenceTarget,
} from "@/lib/incidents/service";
import { appCtx } from "@/lib/runtime";

export const acknowledgeIncidentAction = withAction(
  { access: "admin", schema: acknowledgeIncidentSchema, revalidate: ["/incidents", "/"] },
  async (input, actor) => {
    const incident = await acknowledgeIncident(appCtx(actor), input.incidentId);
    return { acknowledgedBy: incident.acknowledgedBy };
  },
);

export const silenceTargetAction = withAction(
  { access: "admin", schema: silenceInputSchema, revalidate: ["/incidents"] },
  async (input, actor) => {
    const silence = await silenceTarget(appCtx(actor), input);
    return { until: silence.until.toISOString() };
  },
);

export const endSilenceAction = withAction(
  { access: "admin", schema: endSilenceSchema, revalidate: ["/incidents"] },
  async (input, actor) => {
    const silence = await endSilence(appCtx(actor), input.silenceId);
    return { silenceId: silence.id };
  },
);
