import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';

import { PublicRoute } from '@caredispatch/auth';

import { STATUS_CALLBACK_PATH } from '../sending/message-sender.service';

import { parseTwilioStatusCallback } from './dto/twilio-status-callback.dto';
import { TwilioSignatureGuard } from './twilio-signature.guard';
import { TwilioStatusService } from './twilio-status.service';

/** Twilio's delivery reports for the messages we sent (StatusCallback). */
@Controller()
export class TwilioStatusController {
  constructor(private readonly statuses: TwilioStatusService) {}

  @Post(STATUS_CALLBACK_PATH)
  @HttpCode(HttpStatus.NO_CONTENT)
  @PublicRoute('Twilio signs every callback (X-Twilio-Signature); TwilioSignatureGuard verifies it')
  @UseGuards(TwilioSignatureGuard)
  async report(@Body() body: unknown): Promise<void> {
    await this.statuses.apply(parseTwilioStatusCallback(body));
  }
}
