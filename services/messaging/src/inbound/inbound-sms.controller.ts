import { Body, Controller, Header, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';

import { PublicRoute } from '@caredispatch/auth';

import { TwilioSignatureGuard } from '../twilio-status/twilio-signature.guard';

import { parseTwilioInboundSms } from './dto/twilio-inbound-sms.dto';
import { InboundSmsService } from './inbound-sms.service';

export const INBOUND_SMS_PATH = '/v1/twilio/inbound';

/** An empty TwiML answer: replies go out through the outbox and the sender, not inline. */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** Patients' SMS to our number (Twilio's incoming-message webhook). */
@Controller()
export class InboundSmsController {
  constructor(private readonly inbound: InboundSmsService) {}

  @Post(INBOUND_SMS_PATH)
  @HttpCode(HttpStatus.OK)
  @Header('Content-Type', 'text/xml')
  @PublicRoute('Twilio signs every webhook (X-Twilio-Signature); TwilioSignatureGuard verifies it')
  @UseGuards(TwilioSignatureGuard)
  @ApiProduces('text/xml')
  @ApiOkResponse({
    description: 'An empty TwiML document: replies are sent later, not inline',
    schema: { type: 'string', example: EMPTY_TWIML },
  })
  async receive(@Body() body: unknown): Promise<string> {
    await this.inbound.receive(parseTwilioInboundSms(body));
    return EMPTY_TWIML;
  }
}
