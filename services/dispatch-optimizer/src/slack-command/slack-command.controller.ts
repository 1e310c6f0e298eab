import {
  Controller,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Logger,
  Post,
  Req,
} from '@nestjs/common';
import { type RawBodyRequest } from '@nestjs/common/interfaces';
import { ApiOkResponse } from '@nestjs/swagger';
import { type Request } from 'express';

import { PublicRoute } from '@caredispatch/auth';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type DispatchOptimizerConfig } from '../config';
import { SlashCommandReplyDto } from '../http/dispatch.responses';

import { SLACK_CALL_OUT_PORT, type SlackCallOutPort } from './call-out.port';
import { parseCallOutCommand } from './callout-command';
import { verifySlackSignature } from './slack-request-signature';

export const SLACK_COMMAND_PATH = '/v1/slack/commands/callout';

/** Slack shows this to the user; it must never carry patient data. */
interface SlashCommandReply {
  readonly response_type: 'ephemeral';
  readonly text: string;
}

/**
 * `/callout [reason]` from Slack. Public route: it is authenticated by Slack's request
 * signature over the raw body, checked before anything in the body is read, so a forged or
 * replayed request changes nothing.
 */
@Controller()
export class SlackCommandController {
  private readonly logger = new Logger(SlackCommandController.name);

  constructor(
    @Inject(SLACK_CALL_OUT_PORT) private readonly callOuts: SlackCallOutPort,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchOptimizerConfig,
  ) {}

  @Post(SLACK_COMMAND_PATH)
  @PublicRoute('Slack v0 request signature')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SlashCommandReplyDto })
  async callout(@Req() request: RawBodyRequest<Request>): Promise<SlashCommandReply> {
    const secret = this.config.SLACK_SIGNING_SECRET;
    if (!secret) throw new HttpException('Slack commands are not configured', HttpStatus.NOT_FOUND);
    const verdict = verifySlackSignature({
      signingSecret: secret.reveal(),
      timestampHeader: request.header('x-slack-request-timestamp'),
      signatureHeader: request.header('x-slack-signature'),
      rawBody: request.rawBody ?? Buffer.alloc(0),
      now: this.clock.now(),
    });
    if (!verdict.valid) {
      this.logger.warn({ message: 'slack command refused', reason: verdict.reason });
      throw new HttpException('invalid Slack signature', HttpStatus.UNAUTHORIZED);
    }
    const command = parseCallOutCommand(new URLSearchParams(request.rawBody?.toString('utf8')));
    if (!command.ok) return reply(command.problem);
    const tenantId = this.config.SLACK_TEAM_TENANTS.get(command.teamId);
    if (!tenantId) return reply('This Slack workspace is not linked to a CareDispatch practice.');
    const result = await this.callOuts.callOutBySlackUser({
      tenantId,
      slackUserId: command.userId,
      reason: command.reason,
      from: this.clock.now(),
      idempotencyKey: command.triggerId,
    });
    switch (result.outcome) {
      case 'accepted':
        return reply(
          'Call-out recorded. Your day is being re-planned; coordinators have been told.',
        );
      case 'unknown-provider':
        return reply('Your Slack account is not linked to a provider in CareDispatch.');
    }
  }
}

function reply(text: string): SlashCommandReply {
  return { response_type: 'ephemeral', text };
}
